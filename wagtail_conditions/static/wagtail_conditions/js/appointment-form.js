// Progressive enhancement for the appointment form. The form works the same without it.
// Included once per form; runs once per page.
(function () {
  "use strict";
  if (window.wagtailConditionsAppointmentForm) return;
  window.wagtailConditionsAppointmentForm = true;

  // After a submission, move focus to the error summary or the thank-you message, as
  // `autofocus` does where browsers honour it on a non-form element.
  var target = document.querySelector("[data-wc-focus]");
  function focusTarget() {
    var active = document.activeElement;
    // Leave alone anything the visitor chose; take focus from the page itself, or from the
    // landmark that holds the form (Chromium focuses it when it scrolls to the URL's #anchor).
    if (active !== target && (!active || active === document.body || active.contains(target))) {
      target.focus();
    }
  }
  if (target) {
    focusTarget();
    // The browser scrolls to the #anchor, and may move focus, only after the page has loaded.
    window.addEventListener("load", function () {
      window.setTimeout(focusTarget, 0);
    });
  }

  // A page served by a CDN carries the token issued when the CDN fetched it, perhaps hours
  // ago. When the patient first moves into a fresh form, ask for a token counting from when
  // the page was opened (`elapsed`, on the browser's own clock). If the request fails, the
  // page's own token is sent; an expired one is answered with the form again, answers kept.
  var forms = document.querySelectorAll("form[data-wc-fresh-token]");
  Array.prototype.forEach.call(forms, function (form) {
    if (!window.fetch || !form.elements.token) return;
    function refresh() {
      form.removeEventListener("focusin", refresh);
      var elapsed = Math.max(0, Math.floor(window.performance.now() / 1000));
      var url = form.getAttribute("data-wc-fresh-token") + "&elapsed=" + elapsed;
      window
        .fetch(url, { credentials: "omit", cache: "no-store", headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(function (data) {
          if (data && typeof data.token === "string") form.elements.token.value = data.token;
        })
        .catch(function () {});
    }
    form.addEventListener("focusin", refresh);
  });
})();
