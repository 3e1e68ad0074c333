// Extractive composition (see compose.h): never more than it found, never anything it did not find.
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <set>

#include "engine/compose.h"
#include "engine/text.h"
#include "model/agents.h"

namespace oai::engine {

namespace {

constexpr double kSecondSectionWeight = 0.5;
constexpr double kThirdSectionWeight = 0.35;
constexpr double kTypeFitBonus = 0.35;
constexpr double kFittingSectionWeight = 0.8;
constexpr double kHeadingIsTheQuestion = 0.7;
constexpr double kUnfitWeight = 0.6;   // a passage without the place, list or steps a question asks for (dev-fitted)
// A word of the question the answer does not hold yet, weighing this share of the question, is looked for in the lead's
// section; weighing kMissingElsewhere, in the other sections too.
// (kMissingInSection fitted on the dev split: facts 0.740 -> 0.756.)
constexpr double kMissingInSection = 0.15;
constexpr double kMissingElsewhere = 0.25;
constexpr double kAboutThePage = 0.3;   // weight of a sentence about the page itself ("This page explains ...")
// The share of a yes/no question a sentence must cover to answer it "No" (it negates what was asked) or "Yes" (it says
// so plainly): an affirming sentence about a neighbouring thing ("SSO is available on the Enterprise plan" to "is SSO
// on Pro?") is the likelier mistake, so "Yes" needs more (both fitted on the dev splits).
constexpr double kNoCoverage = 0.5;
constexpr double kYesCoverage = 0.6;

bool StartsWithWords(const std::vector<std::string>& words, std::initializer_list<const char*> prefix) {
  if (words.size() < prefix.size()) return false;
  std::size_t i = 0;
  for (const char* p : prefix) {
    if (words[i++] != p) return false;
  }
  return true;
}

template <std::size_t N>
bool IsOneOf(std::string_view word, const std::string_view (&list)[N]) {
  for (std::string_view x : list) {
    if (x == word) return true;
  }
  return false;
}

bool HasDigit(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

bool HasAmount(std::string_view s) {
  if (s.find('$') != std::string_view::npos || s.find("€") != std::string_view::npos ||
      s.find("£") != std::string_view::npos || s.find('%') != std::string_view::npos) {
    return true;
  }
  return HasDigit(s);
}

// A time span or a point in time: a number with a unit ("30 days", "48 hours"), or a word that is one by itself
// ("immediately", "every Sunday", "at renewal").
bool HasDuration(const std::vector<std::string>& words, std::string_view s) {
  static constexpr std::string_view units[] = {
      "second", "seconds", "minute", "minutes", "hour", "hours", "day", "days", "week", "weeks", "month", "months",
      "year", "years", "utc", "before", "after", "within", "until", "end"};
  static constexpr std::string_view times[] = {
      "daily", "weekly", "monthly", "yearly", "annually", "hourly", "immediately", "instantly", "midnight", "renewal",
      "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "sundays"};
  bool unit = false;
  for (const auto& w : words) {
    if (IsOneOf(w, times)) return true;
    unit |= IsOneOf(w, units);
  }
  return unit && HasDigit(s);
}

struct Candidate {
  std::size_t hit;      // which retrieved section
  std::size_t index;    // position in the section's passages
  const Passage& passage;  // the section's reading (Corpus::Reading), held for the composition
  const std::vector<std::string>& words;
  double covered = 0.0;  // weight of the question's words it contains (with the section's heading: half)
  double score = 0.0;
};

// The share of the question's weight `words` (and, at half weight, the heading) contain: for each asked word, the
// weight of its best form found (the word itself or an expansion).
double Coverage(const QueryWords& q, const std::vector<std::string>& words, const std::set<std::string, std::less<>>& heading,
                std::set<std::string>* found) {
  // This runs for every passage of every retrieved section: the best weights live on the stack for a question of up
  // to 16 content words, and a form that could not beat its word's best so far is not looked for.
  constexpr std::size_t kOnStack = 16;
  double onStack[kOnStack] = {};
  std::vector<double> onHeap;
  double* best = onStack;
  if (q.asked.size() > kOnStack) {
    onHeap.assign(q.asked.size(), 0.0);
    best = onHeap.data();
  }
  const auto firstAsked = [&q](std::string_view word) {
    return static_cast<std::size_t>(std::find(q.asked.begin(), q.asked.end(), word) - q.asked.begin());
  };
  for (const auto& [form, weight] : q.words) {
    // "word" or "word~form": views, no copies.
    const std::string_view f = form;
    const std::size_t sep = f.find('~');
    const std::size_t a = firstAsked(f.substr(0, sep));
    if (a == q.asked.size() || weight <= best[a]) continue;
    const std::string_view shown = sep == std::string_view::npos ? f : f.substr(sep + 1);
    if (std::find(words.begin(), words.end(), shown) != words.end()) best[a] = weight;
    else if (weight * 0.5 > best[a] && !heading.empty() && heading.count(shown)) best[a] = weight * 0.5;
  }
  double covered = 0.0;
  for (const auto& asked : q.asked) {
    const double b = best[firstAsked(asked)];
    if (b > 0.0 && found) found->insert(asked);
    covered += b;
  }
  return covered;
}

// "This page explains who qualifies, how to apply and ...": a sentence about the document, which shares the question's
// words without answering it.
bool IsAboutThePage(const std::vector<std::string>& words) {
  static constexpr std::string_view documents[] = {"page", "guide", "policy", "article", "document", "section"};
  static constexpr std::string_view verbs[] = {"explains", "describes", "covers", "lists", "takes", "sets", "shows"};
  return words.size() > 2 && words[0] == "this" && IsOneOf(words[1], documents) && IsOneOf(words[2], verbs);
}

// Where something is in the product or on the web: a menu path ("Settings > Billing"), an address or a host name.
bool HasPlace(std::string_view s) {
  return s.find(" > ") != std::string_view::npos || s.find("://") != std::string_view::npos ||
         s.find(".example") != std::string_view::npos || s.find(".com") != std::string_view::npos;
}

double TypeFit(QuestionType type, const Candidate& c, const QueryWords& q) {
  switch (type) {
    case QuestionType::Place: return HasPlace(c.passage.text) ? 1.0 : 0.0;
    case QuestionType::List:
      return c.passage.kind == PassageKind::TableRow || c.passage.kind == PassageKind::ListItem ? 1.0 : 0.0;
    case QuestionType::Amount: return HasAmount(c.passage.text) ? 1.0 : 0.0;
    case QuestionType::Duration: return HasDuration(c.words, c.passage.text) ? 1.0 : 0.0;
    case QuestionType::Steps:
      // A numbered step, or the one place in the product where it is done ("start an export under Settings > Data").
      return (c.passage.kind == PassageKind::ListItem && c.passage.ordinal > 0) || c.passage.text.find(" > ") != std::string::npos
                 ? 1.0
                 : 0.0;
    case QuestionType::Name: {
      // A name reads as capitalized words after the first.
      const std::string& t = c.passage.text;
      for (std::size_t i = 1; i + 1 < t.size(); ++i) {
        if (t[i - 1] == ' ' && std::isupper(static_cast<unsigned char>(t[i]))) return 1.0;
      }
      return 0.0;
    }
    case QuestionType::Definition: {
      // "Light agent: a teammate who ...", "CSAT is the share of ...": the passage opens with the term.
      std::size_t opening = 0;
      for (const auto& asked : q.asked) {
        for (std::size_t i = 0; i < c.words.size() && i < 4; ++i) opening += c.words[i] == asked;
      }
      return !q.asked.empty() && opening >= q.asked.size() ? 1.0 : 0.0;
    }
    case QuestionType::YesNo:
    case QuestionType::Other: return 0.0;
  }
  return 0.0;
}

// "Yes" or "No" before the answer to a yes/no question, when the lead passage says which: a table cell under a
// column the question names ("Suspended: no"), or a sentence that covers most of the question and either negates
// ("do not include", "cannot", "no card is needed") or plainly affirms. A sentence with "only", "unless", "except" or
// "depends" is neither: its answer is in the conditions, so it speaks for itself.
enum class Polarity { Unsaid, Yes, No };

bool IsNegation(const std::vector<std::string>& words, std::size_t i) {
  static constexpr std::string_view negations[] = {"not", "no", "never", "cannot", "none", "neither", "nor"};
  static constexpr std::string_view contracted[] = {"can", "don", "doesn", "isn", "aren", "won", "didn", "wasn",
                                                    "weren", "couldn", "shouldn", "wouldn", "haven", "hasn", "mustn"};
  if (IsOneOf(words[i], negations)) return true;
  return words[i] == "t" && i > 0 && IsOneOf(words[i - 1], contracted);
}

Polarity PolarityOf(const Candidate& lead, const std::vector<std::string>& question, double share) {
  // "Can't I ...?" (a "No" would be ambiguous), "per account or per key?" (a choice, not a yes/no), "is it faster, and
  // does it count ...?" (two questions, maybe two answers).
  static constexpr std::string_view auxiliaries[] = {"can", "do", "does", "is", "are", "will", "would", "should"};
  for (std::size_t i = 0; i < question.size(); ++i) {
    if (IsNegation(question, i) || question[i] == "or") return Polarity::Unsaid;
    if (question[i] == "and" && i + 1 < question.size() && IsOneOf(question[i + 1], auxiliaries)) return Polarity::Unsaid;
  }
  if (lead.passage.kind == PassageKind::TableRow) {
    for (std::string_view cell : SplitOn(lead.passage.text, ';')) {
      const std::size_t colon = cell.rfind(':');
      if (colon == std::string_view::npos) continue;
      const std::vector<std::string> value = Tokenize(cell.substr(colon + 1));
      if (value.size() != 1 || (value[0] != "yes" && value[0] != "no")) continue;
      for (const auto& h : Tokenize(cell.substr(0, colon))) {
        if (!IsStopWord(h) && std::find(question.begin(), question.end(), h) != question.end()) {
          return value[0] == "yes" ? Polarity::Yes : Polarity::No;
        }
      }
    }
    return Polarity::Unsaid;
  }
  if (share < kNoCoverage) return Polarity::Unsaid;
  static constexpr std::string_view conditions[] = {"only",      "unless", "except", "depends",
                                                    "depending", "if",     "after",  "until"};
  bool negated = false;
  for (std::size_t i = 0; i < lead.words.size(); ++i) {
    if (IsOneOf(lead.words[i], conditions)) return Polarity::Unsaid;
    negated |= IsNegation(lead.words, i);
  }
  if (negated) return Polarity::No;
  return share >= kYesCoverage ? Polarity::Yes : Polarity::Unsaid;
}

std::string WithCitation(const std::string& passage, std::size_t n) {
  std::string s = passage;
  while (!s.empty() && (s.back() == ' ')) s.pop_back();
  const char last = s.empty() ? '.' : s.back();
  if (last == '.' || last == '?' || last == '!' || last == ':' || last == ';') s.pop_back();
  return s + " [" + std::to_string(n) + "]" + (last == '?' || last == '!' ? std::string(1, last) : ".");
}

}  // namespace

QuestionType ClassifyQuestion(std::string_view question) {
  std::vector<std::string> w = Tokenize(question);
  // Greetings and fillers before the question: "hi, how much ...", "ok and how long ...", "so can I ...".
  static constexpr std::string_view fillers[] = {"hi", "hello", "hey", "ok", "okay", "so", "and", "also", "but",
                                                "please", "quick", "question", "um", "well", "then"};
  while (!w.empty() && IsOneOf(w.front(), fillers)) w.erase(w.begin());
  if (w.empty()) return QuestionType::Other;
  if (StartsWithWords(w, {"how", "much"}) || StartsWithWords(w, {"how", "many"}) ||
      (StartsWithWords(w, {"what", "does"}) && std::find(w.begin(), w.end(), "cost") != w.end())) {
    return QuestionType::Amount;
  }
  for (const auto& word : w) {
    if (word == "price" || word == "cost" || word == "costs" || word == "fee" || word == "fees") return QuestionType::Amount;
  }
  if (StartsWithWords(w, {"how", "long"}) || StartsWithWords(w, {"how", "soon"}) ||
      StartsWithWords(w, {"how", "quickly"}) || StartsWithWords(w, {"how", "often"}) || w.front() == "when" ||
      StartsWithWords(w, {"what", "time"}) || StartsWithWords(w, {"how", "fast"})) {
    return QuestionType::Duration;
  }
  if (StartsWithWords(w, {"how", "do", "i"}) || StartsWithWords(w, {"how", "can", "i"}) ||
      StartsWithWords(w, {"how", "do", "we"}) || StartsWithWords(w, {"how", "can", "we"}) ||
      StartsWithWords(w, {"how", "to"}) || StartsWithWords(w, {"how", "should", "i"}) ||
      StartsWithWords(w, {"what", "are", "the", "steps"})) {
    return QuestionType::Steps;
  }
  static constexpr std::string_view auxiliaries[] = {"can", "do", "does", "is", "are", "will", "would", "should",
                                                    "could", "may", "have", "has", "am"};
  if (IsOneOf(w.front(), auxiliaries)) return QuestionType::YesNo;
  // "what is a light agent", "what's a light agent" ("what s a"), "what does CSAT stand for / mean", "define SLA".
  if (StartsWithWords(w, {"what", "is", "a"}) || StartsWithWords(w, {"what", "is", "an"}) ||
      StartsWithWords(w, {"what", "s", "a"}) || StartsWithWords(w, {"what", "s", "an"}) || w.front() == "define" ||
      (StartsWithWords(w, {"what", "does"}) && (w.back() == "mean" || (w.size() > 2 && w[w.size() - 2] == "stand")))) {
    return QuestionType::Definition;
  }
  if (w.front() == "which" || w.front() == "who" || StartsWithWords(w, {"what", "is", "the", "name"})) {
    return QuestionType::Name;
  }
  // "where do I enter ...", and its common misspelling "were do I ...".
  static constexpr std::string_view subjects[] = {"do", "can", "is", "are", "i", "we", "should", "does"};
  if (w.front() == "where" || (w.front() == "were" && w.size() > 1 && IsOneOf(w[1], subjects))) {
    return QuestionType::Place;
  }
  // "what are the rate limits", "what are your plans": the whole list or table.
  if (StartsWithWords(w, {"what", "are", "the"}) || StartsWithWords(w, {"what", "are", "your"}) || w.front() == "list") {
    return QuestionType::List;
  }
  return QuestionType::Other;
}

QueryWords WeighQuery(std::string_view question, const std::vector<TermExpansion>& expansions,
                      const LexicalIndex& index, std::string_view asked) {
  QueryWords q;
  std::set<std::string> seen;
  std::set<std::string> now;
  for (auto& t : ContentTerms(asked)) now.insert(std::move(t));
  for (const auto& t : ContentTerms(question)) {
    if (!seen.insert(t).second) continue;
    const double idf = index.Idf(t);
    // A word the index has never seen is something the documents do not say ("Zendesk", "GraphQL", "Spain"): it
    // weighs like the rarest word, and only its near forms (a typo's correction) can cover part of it.
    const double context = asked.empty() || now.count(t) ? 1.0 : kContextWordWeight;
    if (context < 1.0) q.context.push_back(t);
    double weight = (idf > 0.0 ? idf : index.MaxIdf()) * context;
    q.words.emplace_back(t, weight);
    for (const auto& e : expansions) {
      if (e.term != t) continue;
      const double w = index.Idf(e.matched) * e.similarity * context;
      q.words.emplace_back(t + "~" + e.matched, w);
      weight = std::max(weight, w);  // a rarer form of the word weighs what it weighs
    }
    if (weight > 0.0) {
      q.asked.push_back(t);
      q.total += weight;
    }
  }
  return q;
}

Composition ComposeExtractive(Turn& turn, const Corpus& corpus, const std::vector<SearchHit>& hits,
                              const QueryWords& query) {
  const auto start = Clock::now();
  Composition out;
  const QuestionType type = ClassifyQuestion(turn.input.question);
  std::int64_t contextTokens = EstimateTokens(turn.input.question);

  // Every passage of the retrieved sections, scored by how much of the question it covers, what the question's type
  // asks for, and how well its section matched.
  std::vector<std::vector<Candidate>> sections(hits.size());
  std::vector<std::shared_ptr<const ChunkReading>> readings(hits.size());  // worked out when the base was loaded
  static const std::set<std::string, std::less<>> kNoHeading;
  const auto heading = [&](std::size_t h) -> const std::set<std::string, std::less<>>& { return readings[h]->heading; };
  const Candidate* lead = nullptr;
  for (std::size_t h = 0; h < hits.size(); ++h) {
    const Chunk& c = corpus.chunks[hits[h].chunk];
    contextTokens += EstimateTokens(c.text);
    readings[h] = corpus.Reading(hits[h].chunk);
    const ChunkReading& reading = *readings[h];
    sections[h].reserve(reading.passages.size());
    for (std::size_t i = 0; i < reading.passages.size(); ++i) {
      Candidate cand{h, i, reading.passages[i], reading.words[i], 0.0, 0.0};
      if (cand.passage.text.size() < 12 && cand.words.size() > 1) {
        sections[h].push_back(cand);
        continue;
      }
      cand.covered = Coverage(query, cand.words, heading(h), nullptr);
      const double share = query.total > 0.0 ? cand.covered / query.total : 0.0;
      const double lengthPenalty = cand.passage.text.size() > 320 ? 0.85 : 1.0;
      const double aboutPenalty = IsAboutThePage(cand.words) ? kAboutThePage : 1.0;
      // The search's ranking already weighed the whole section against the question: later sections must cover
      // clearly more to lead.
      // A passage of the kind the question asks for (the steps of "how do I", the amount of "how much") may lead from
      // a lower-ranked section of the same search.
      const double fit = TypeFit(type, cand, query) * (share > 0.0);
      double rank = h == 0 ? 1.0 : (h == 1 ? kSecondSectionWeight : kThirdSectionWeight);
      if (fit > 0.0) rank = std::max(rank, kFittingSectionWeight);
      // Where, a list, the steps: a passage without one does not answer the question, however many of its words it has.
      const bool essential = type == QuestionType::Place || type == QuestionType::List || type == QuestionType::Steps;
      const double unfit = essential && fit == 0.0 ? kUnfitWeight : 1.0;
      cand.score = (share + kTypeFitBonus * fit) * rank * lengthPenalty * aboutPenalty * unfit;
      sections[h].push_back(cand);
    }
  }
  for (const auto& section : sections) {
    for (const auto& cand : section) {
      if (cand.score > 0.0 && (!lead || cand.score > lead->score)) lead = &cand;
    }
  }

  // The answer: the lead, then what its section adds (in reading order), then a second section for what is missing.
  std::vector<const Candidate*> chosen;
  if (lead) {
    chosen.push_back(lead);
    const std::vector<Candidate>& section = sections[lead->hit];
    // "How do I ...": the numbered list of the lead's section (the one nearest the lead), with its introduction.
    int stepsBlock = -1;
    if (type == QuestionType::Steps) {
      std::size_t nearest = SIZE_MAX;
      for (const auto& cand : section) {
        if (cand.passage.kind != PassageKind::ListItem || cand.passage.ordinal == 0) continue;
        const std::size_t distance = cand.index > lead->index ? cand.index - lead->index : lead->index - cand.index;
        if (distance < nearest) {
          nearest = distance;
          stepsBlock = cand.passage.block;
        }
      }
    }
    const bool steps = stepsBlock >= 0;
    if (steps) {
      chosen.clear();
      for (const auto& cand : section) {
        if (cand.passage.block == stepsBlock && cand.passage.kind == PassageKind::ListItem && chosen.size() < kMaxSteps) {
          chosen.push_back(&cand);
        }
      }
      // The sentence that introduces the list, when there is one.
      for (std::size_t i = chosen.front()->index; i-- > 0;) {
        if (section[i].passage.kind == PassageKind::Prose) {
          if (section[i].covered > 0.0 || i + 1 == chosen.front()->index) chosen.insert(chosen.begin(), &section[i]);
          break;
        }
      }
    } else {
      // Passages that add to the lead: they share the question's words (at least half of what the lead covers), or
      // continue it directly (the next sentence of the same paragraph, the next row of the same table).
      std::vector<const Candidate*> more;
      for (const auto& cand : section) {
        if (&cand == lead || cand.passage.text.size() < 12) continue;
        // Rows of the lead's table share its header words: another row joins only when it matches as much (the
        // question named two plans), so "the Pro plan" gets the Pro row, not the whole table.
        const bool sameTable =
            cand.passage.kind == PassageKind::TableRow && lead->passage.kind == PassageKind::TableRow &&
            cand.passage.block == lead->passage.block;
        const bool strong = sameTable ? cand.covered >= lead->covered * 0.999
                                      : cand.covered >= 0.5 * lead->covered && cand.covered > 0.0;
        const bool next = cand.index == lead->index + 1 && cand.passage.block == lead->passage.block &&
                          cand.passage.kind != PassageKind::TableRow && cand.covered > 0.0;
        if (strong || next) more.push_back(&cand);
      }
      std::stable_sort(more.begin(), more.end(),
                       [](const Candidate* a, const Candidate* b) { return a->score > b->score; });
      if (more.size() + 1 > kMaxAnswerPassages) more.resize(kMaxAnswerPassages - 1);
      std::sort(more.begin(), more.end(), [](const Candidate* a, const Candidate* b) { return a->index < b->index; });
      chosen.insert(chosen.end(), more.begin(), more.end());
    }
    // Words of the question the answer does not cover yet. The lead's own section is looked at first (the other half
    // of "a 401 or a 403" is the next row of the same table), for the words asked now; then the other sections, for
    // any word, the earlier question's too ("and on starter?" after a question about support hours).
    std::set<std::string> found;
    for (const Candidate* c : chosen) Coverage(query, c->words, heading(c->hit), &found);
    const auto isContext = [&](const std::string& w) {
      return std::find(query.context.begin(), query.context.end(), w) != query.context.end();
    };
    double missingNow = 0.0, missingAny = 0.0;
    for (const auto& [form, weight] : query.words) {
      if (form.find('~') != std::string::npos || found.count(form)) continue;
      missingAny = std::max(missingAny, weight);
      if (!isContext(form)) missingNow = std::max(missingNow, weight);
    }
    if (query.total > 0.0) {
      const Candidate* second = nullptr;
      for (int pass = 0; pass < 2 && !second; ++pass) {
        if (pass == 0 && missingNow / query.total < kMissingInSection) continue;
        if (pass == 1 && missingAny / query.total < kMissingElsewhere) break;
        for (std::size_t h = 0; h < sections.size(); ++h) {
          if ((h == lead->hit) != (pass == 0)) continue;
          for (const auto& cand : sections[h]) {
            if (std::find(chosen.begin(), chosen.end(), &cand) != chosen.end()) continue;
            std::set<std::string> adds;
            Coverage(query, cand.words, pass == 0 ? kNoHeading : heading(h), &adds);
            bool fills = false;
            for (const auto& a : adds) fills |= !found.count(a) && (pass == 1 || !isContext(a));
            if (fills && cand.score > 0.0 && (!second || cand.score > second->score)) second = &cand;
          }
        }
      }
      if (second) chosen.push_back(second);
    }
  }

  // A section whose heading is the question (an FAQ entry) answers it with its first passage ("No.", "Yes, on every
  // plan."): that passage leads.
  if (lead && query.total > 0.0) {
    const std::vector<Candidate>& section = sections[lead->hit];
    const std::vector<std::string> headingWords(heading(lead->hit).begin(), heading(lead->hit).end());
    const double headingShare = Coverage(query, headingWords, kNoHeading, nullptr) / query.total;
    if (headingShare >= kHeadingIsTheQuestion && !section.empty() && &section.front() != chosen.front() &&
        section.front().passage.kind == PassageKind::Prose && section.front().passage.text.size() <= 80 &&
        std::find(chosen.begin(), chosen.end(), &section.front()) == chosen.end()) {
      chosen.insert(chosen.begin(), &section.front());
    }
  }
  std::string answer;
  if (type == QuestionType::YesNo && lead && !chosen.empty() && query.total > 0.0) {
    const std::vector<std::string>& opening = chosen.front()->words;
    const bool says = !opening.empty() && (opening[0] == "yes" || opening[0] == "no");
    const Polarity p = says ? Polarity::Unsaid : PolarityOf(*lead, Tokenize(turn.input.question), lead->covered / query.total);
    if (p != Polarity::Unsaid) {
      answer = p == Polarity::Yes ? "Yes." : "No.";
      out.pieces.push_back(answer);
    }
  }
  bool numbered = false;
  for (const Candidate* c : chosen) numbered |= type == QuestionType::Steps && c->passage.ordinal > 0;
  int step = 0;
  for (const Candidate* c : chosen) {
    auto it = std::find(out.cited.begin(), out.cited.end(), c->hit);
    const std::size_t n = static_cast<std::size_t>(it - out.cited.begin()) + 1;
    if (it == out.cited.end()) out.cited.push_back(c->hit);
    std::string piece = WithCitation(c->passage.text, n);
    std::string separator = answer.empty() ? "" : " ";
    if (numbered && c->passage.kind == PassageKind::ListItem) {
      piece = std::to_string(++step) + ". " + piece;
      separator = answer.empty() ? "" : "\n";
    } else if (numbered && step > 0) {
      separator = "\n";
    }
    out.pieces.push_back(separator + piece);
    answer += separator + piece;
  }
  if (answer.empty() && !hits.empty()) {
    const auto first = SplitSentences(corpus.chunks[hits[0].chunk].text);
    if (!first.empty()) {
      out.cited.push_back(0);
      answer = WithCitation(first.front(), 1);
      out.pieces.push_back(answer);
    }
  }
  out.answer = std::move(answer);
  // The evidence is what the best-covering passage holds of the question, whichever passage the question's type made
  // lead ("what are your support hours" leads with a list item that holds less of it than the sentence before).
  double best = 0.0;
  if (lead) {
    for (const auto& section : sections) {
      for (const auto& cand : section) {
        if (cand.score > 0.0) best = std::max(best, cand.covered);
      }
    }
  }
  out.evidence = query.total > 0.0 ? std::min(1.0, best / query.total) : 0.0;
  DocumentsData& stepData = out.step;
  stepData.composer = "extractive";
  stepData.model = kExtractiveModel;
  stepData.prompt_tokens = contextTokens;
  stepData.completion_tokens = EstimateTokens(out.answer);
  stepData.tokens_estimated = true;
  stepData.estimator = kTokenEstimator;
  stepData.sentences = static_cast<std::int64_t>(chosen.size());
  stepData.cost = turn.Account(stepData.model, stepData.prompt_tokens, stepData.completion_tokens, &stepData.warnings);
  stepData.latency_ms = MsSince(start);
  return out;
}

}  // namespace oai::engine
