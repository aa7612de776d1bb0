/*
 * The reading-age check of Wagtail's Checks panel (wagtail_conditions/readability/content_checks.py).
 * The server scores each section; the check's options list the selectors of the sections above
 * the target, and a section's rule fails when its heading is one of them. Loaded after Wagtail's
 * userbar.js, before the checks run (on the window's load event).
 */
(function () {
  "use strict";
  var userbar = window.wagtail && window.wagtail.userbar;
  if (!userbar || typeof userbar.registerCheck !== "function") {
    return; // Wagtail before 7.3: no custom checks
  }
  userbar.registerCheck("wagtail-conditions-reading-age", function (node, options) {
    var over = (options && options.over) || [];
    return !over.some(function (selector) {
      return node.matches(selector);
    });
  });
})();
