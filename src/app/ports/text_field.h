// A text field the host owns: in the page, a DOM <textarea> laid exactly over the chat input that receives the
// browser's own text input (keys, input methods, dictation, autocorrect, paste). It reports its text, selection and
// composition back as actions (DraftChanged, InputFocusChanged, InputScrolled, SubmitDraft); the chat panel draws
// them and tells the field where it sits. Hosts without one (the desktop build, tests) get Dear ImGui's own input.
#pragma once

#include <string>

namespace oai::app {

// Where the chat input is drawn, in the canvas's device pixels, and the metrics the field copies so its text wraps
// like the drawn text.
struct TextFieldPlacement {
  float x = 0.0f;
  float y = 0.0f;
  float width = 0.0f;
  float height = 0.0f;
  float paddingX = 0.0f;
  float paddingY = 0.0f;
  float fontSize = 0.0f;  // also the line height
  float scale = 1.0f;     // device pixels per CSS pixel
  bool operator==(const TextFieldPlacement&) const = default;
};

class TextField {
 public:
  virtual ~TextField() = default;
  // Called in every drawn frame in which the input is on screen.
  virtual void Place(const TextFieldPlacement& placement) = 0;
  // Called after every drawn frame: a field that was not placed in it is hidden (another tab is showing).
  virtual void FrameDone() = 0;
  // Replaces the field's text (after a send, when a failed message is restored); the caret goes to the end.
  virtual void SetText(const std::string& text) = 0;
  // Gives the field the keyboard focus (page load, Ctrl/Cmd+K, after sending).
  virtual void Focus() = 0;
  // Takes the keyboard focus away from the field (a dialog is open: its keys are the dialog's).
  virtual void Blur() = 0;
  // The line under the input: how to send on this device ("Enter to send, Shift+Enter for a new line").
  virtual std::string Hint() const = 0;
};

}  // namespace oai::app
