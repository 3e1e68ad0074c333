# Copies the knowledge base into the page's dist folder and writes the manifest the in-page engine reads.
# Usage: cmake -DSOURCE=server/data -DDEST=build/web/dist/kb -P pack_knowledge.cmake
file(REMOVE_RECURSE "${DEST}")
file(GLOB_RECURSE docs RELATIVE "${SOURCE}/knowledge" "${SOURCE}/knowledge/*.md")
list(SORT docs)
set(entries "")
foreach(doc IN LISTS docs)
  get_filename_component(dir "${DEST}/knowledge/${doc}" DIRECTORY)
  file(MAKE_DIRECTORY "${dir}")
  file(COPY_FILE "${SOURCE}/knowledge/${doc}" "${DEST}/knowledge/${doc}")
  list(APPEND entries "\"${doc}\"")
endforeach()
file(COPY_FILE "${SOURCE}/router_examples.tsv" "${DEST}/router_examples.tsv")
# The knowledge base's query synonyms travel with it (optional).
set(synonyms "")
if(EXISTS "${SOURCE}/knowledge/synonyms.tsv")
  file(COPY_FILE "${SOURCE}/knowledge/synonyms.tsv" "${DEST}/knowledge/synonyms.tsv")
  set(synonyms ",\n  \"synonyms\": \"knowledge/synonyms.tsv\"")
endif()
list(JOIN entries ",\n    " joined)
file(WRITE "${DEST}/manifest.json"
     "{\n  \"documents\": [\n    ${joined}\n  ],\n  \"router_examples\": \"router_examples.tsv\"${synonyms}\n}\n")
