// Progressive enhancement for the appointment form: after a submission, move focus to the
// error summary or the thank-you message, as `autofocus` does where browsers honour it on a
// non-form element. The form works the same without this script.
(function () {
  "use strict";
  var target = document.querySelector("[data-wc-focus]");
  if (!target) return;

  function focusTarget() {
    var active = document.activeElement;
    // Leave alone anything the visitor chose; take focus from the page itself, or from the
    // landmark that holds the form (Chromium focuses it when it scrolls to the URL's #anchor).
    if (active !== target && (!active || active === document.body || active.contains(target))) {
      target.focus();
    }
  }

  focusTarget();
  // The browser scrolls to the #anchor, and may move focus, only after the page has loaded.
  window.addEventListener("load", function () {
    window.setTimeout(focusTarget, 0);
  });
})();
