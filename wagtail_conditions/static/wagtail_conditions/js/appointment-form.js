// Progressive enhancement for the appointment form: after a submission, move focus to the
// error summary or the thank-you message, as `autofocus` does where browsers honour it on
// a non-form element. The form works the same without this script.
(function () {
  "use strict";
  var target = document.querySelector("[data-wc-focus]");
  if (target && document.activeElement !== target) {
    target.focus();
  }
})();
