#!/bin/sh
# The page links a sscanf that reads nothing (shell/web/main.cpp keeps libc's scanf family out of the download). That
# holds while nothing the page runs parses with it: no scanf call in the page's sources, and none of the Dear ImGui
# widgets that parse typed numbers or colours with sscanf. Fails, naming the line, when one appears.
set -eu
root=${1:?usage: no_scanf.sh PROJECT_ROOT}
found=$(grep -rnE '\b(v?sscanf|scanf|fscanf)\s*\(|Input(Int|Float|Double|Scalar)[N0-9]*\s*\(|(Drag|Slider)(Int|Float|Scalar)[N0-9]*\s*\(|ColorEdit[34]?\s*\(|ColorPicker[34]?\s*\(|ShowDebugLogWindow|LoadIniSettingsFrom' \
  "$root/src" "$root/shell/web" --include='*.cpp' --include='*.h' | grep -vE '^[^:]+:[0-9]+: *//' |
  grep -v 'shell/web/main.cpp:.*int sscanf(const char\*' || true)
if [ -n "$found" ]; then
  echo "The page's sscanf reads nothing (shell/web/main.cpp), but this code would need a real one:" >&2
  echo "$found" >&2
  exit 1
fi
echo "no scanf callers in the page's sources"
