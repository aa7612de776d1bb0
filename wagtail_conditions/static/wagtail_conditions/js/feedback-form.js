// Progressive enhancement for "Was this page helpful?". Without it the form posts and the
// page comes back with the thank-you (or the errors); with it the answer is sent with fetch
// as JSON and the thank-you is shown in place, in a live region screen readers announce.
// Anything but a thank-you or field errors (a timed-out token, too many answers, a network
// failure) falls back to the plain POST, whose page says what happened.
(function () {
  "use strict";
  if (window.wagtailConditionsFeedbackForm) return;
  window.wagtailConditionsFeedbackForm = true;

  function focusOnLoad(target) {
    function focusTarget() {
      var active = document.activeElement;
      if (active !== target && (!active || active === document.body || active.contains(target))) {
        target.focus();
      }
    }
    focusTarget();
    window.addEventListener("load", function () {
      window.setTimeout(focusTarget, 0);
    });
  }

  function text(tag, content, className) {
    var element = document.createElement(tag);
    element.textContent = content;
    if (className) element.className = className;
    return element;
  }

  function enhance(section) {
    var focusTarget = section.querySelector("[data-wc-focus]");
    if (focusTarget) focusOnLoad(focusTarget);

    var form = section.querySelector("form[data-wc-feedback-api]");
    var status = section.querySelector("[data-wc-feedback-status]");
    if (!form || !status || !window.fetch || !window.JSON) return;

    // A fresh token counting from when the page was opened (see appointment-form.js).
    var tokenUrl = form.getAttribute("data-wc-feedback-token-url");
    if (tokenUrl) {
      var refresh = function () {
        form.removeEventListener("focusin", refresh);
        var elapsed = Math.max(0, Math.floor(window.performance.now() / 1000));
        window
          .fetch(tokenUrl + "&elapsed=" + elapsed, {
            credentials: "omit",
            cache: "no-store",
            headers: { Accept: "application/json" },
          })
          .then(function (response) {
            return response.ok ? response.json() : null;
          })
          .then(function (data) {
            if (data && typeof data.token === "string") form.elements.feedback_token.value = data.token;
          })
          .catch(function () {});
      };
      form.addEventListener("focusin", refresh);
    }

    function clearErrors() {
      Array.prototype.forEach.call(
        section.querySelectorAll(".wc-error-summary, .wc-error-message"),
        function (element) {
          element.parentNode.removeChild(element);
        }
      );
      Array.prototype.forEach.call(form.querySelectorAll("[aria-invalid]"), function (element) {
        element.removeAttribute("aria-invalid");
      });
      var fieldset = form.querySelector("fieldset");
      fieldset.removeAttribute("aria-describedby");
      var comment = form.elements.comment;
      comment.setAttribute("aria-describedby", comment.id + "-hint");
    }

    function showThanks(data) {
      clearErrors();
      form.hidden = true;
      status.className = "wc-feedback__status wc-success";
      status.setAttribute("tabindex", "-1");
      status.appendChild(text("p", data.message || "")).style.fontWeight = "600";
      if (data.detail) status.appendChild(text("p", data.detail));
      status.focus();
    }

    function showErrors(errors) {
      clearErrors();
      var summary = document.createElement("div");
      summary.className = "wc-error-summary";
      summary.setAttribute("role", "alert");
      summary.setAttribute("tabindex", "-1");
      var titleId = section.id + "-error-title";
      var title = text("h3", form.getAttribute("data-wc-error-title"), "wc-error-summary__title");
      title.id = titleId;
      summary.setAttribute("aria-labelledby", titleId);
      summary.appendChild(title);
      var list = document.createElement("ul");
      summary.appendChild(list);
      errors.forEach(function (error) {
        var name = error.loc && error.loc[1];
        var field = name === "helpful" ? form.querySelector('input[name="helpful"]') : form.elements[name];
        var item = document.createElement("li");
        var link = text("a", error.msg);
        if (field) link.href = "#" + field.id;
        item.appendChild(link);
        list.appendChild(item);
        if (!field) return;
        var message = text("p", " " + error.msg, "wc-error-message");
        message.id = (name === "helpful" ? section.id + "-helpful" : field.id) + "-error";
        message.insertBefore(text("span", form.getAttribute("data-wc-error-prefix"), "wc-visually-hidden"), message.firstChild);
        var anchor = form.getAttribute("data-wc-appointment-anchor");
        if (anchor && error.type === "personal_data") {
          var toForm = text("a", form.getAttribute("data-wc-appointment-link"));
          toForm.href = "#" + anchor;
          message.appendChild(document.createTextNode(" "));
          message.appendChild(toForm);
        }
        if (name === "helpful") {
          var fieldset = form.querySelector("fieldset");
          fieldset.querySelector("legend").insertAdjacentElement("afterend", message);
          fieldset.setAttribute("aria-describedby", message.id);
        } else {
          field.parentNode.insertBefore(message, field);
          field.setAttribute("aria-invalid", "true");
          field.setAttribute("aria-describedby", field.id + "-hint " + message.id);
        }
      });
      form.parentNode.insertBefore(summary, form);
      summary.focus();
    }

    var busy = false;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (busy) return;
      busy = true;
      var checked = form.querySelector('input[name="helpful"]:checked');
      var body = {
        page: parseInt(form.elements.page.value, 10),
        token: form.elements.feedback_token.value,
        helpful: checked ? checked.value : null,
        comment: form.elements.comment.value,
        website: form.elements.website.value,
      };
      window
        .fetch(form.getAttribute("data-wc-feedback-api"), {
          method: "POST",
          credentials: "omit",
          cache: "no-store",
          headers: { "Content-Type": "application/json", Accept: "application/json" },
          body: JSON.stringify(body),
        })
        .then(function (response) {
          return response.json().then(
            function (data) {
              return { status: response.status, data: data };
            },
            function () {
              return { status: response.status, data: null };
            }
          );
        })
        .then(function (result) {
          busy = false;
          if (result.status === 201 && result.data) {
            showThanks(result.data);
          } else if (result.status === 422 && result.data && result.data.errors) {
            showErrors(result.data.errors);
          } else {
            if (result.status === 403 && result.data && typeof result.data.token === "string") {
              form.elements.feedback_token.value = result.data.token;
            }
            form.submit();
          }
        })
        .catch(function () {
          form.submit();
        });
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-wc-feedback]"), enhance);
})();
