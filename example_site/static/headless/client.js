/*
 * A small headless front end for wagtail-conditions: plain JavaScript, no build step, no CDN.
 * It lists conditions, shows one with its therapies, renders its appointment form from the
 * form block's API description and submits it as JSON. Everything comes from the API.
 *
 * Opened with ?content_type=…&token=… (the URL wagtail-headless-preview gives the editor's
 * preview panel), it shows the draft being previewed, from the page_preview endpoint.
 *
 * Editor-authored rich text (already sanitised by Wagtail) and oEmbed HTML are inserted as
 * HTML; every other value is set as text.
 */
(function () {
    "use strict";

    var API = document.documentElement.getAttribute("data-api") || "/api/v2/";
    var main = document.getElementById("main-content");

    function el(tag, attrs, children) {
        var node = document.createElement(tag);
        Object.keys(attrs || {}).forEach(function (key) {
            var value = attrs[key];
            if (value === null || value === undefined || value === false) return;
            if (key === "text") node.textContent = value;
            else if (key === "html") node.innerHTML = value;
            else node.setAttribute(key, value === true ? "" : value);
        });
        (children || []).forEach(function (child) {
            if (child) node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
        });
        return node;
    }

    function getJSON(path) {
        return fetch(API + path, { headers: { Accept: "application/json" }, credentials: "omit" })
            .then(function (response) {
                if (response.ok) return response.json();
                // The API's errors carry a sentence for people: {"message": …} or {"detail": …}.
                return response.json().catch(function () { return {}; }).then(function (data) {
                    throw new Error(data.message || data.detail || "The API answered " + response.status);
                });
            });
    }

    // Wagtail's API answers at most WAGTAILAPI_LIMIT_MAX (default 20) items a request.
    function getAllItems(path) {
        var items = [];
        function fetchFrom(offset) {
            return getJSON(path + "&limit=20&offset=" + offset).then(function (data) {
                items = items.concat(data.items);
                if (data.items.length && items.length < data.meta.total_count) return fetchFrom(items.length);
                return items;
            });
        }
        return fetchFrom(0);
    }

    function show(nodes, title) {
        main.replaceChildren.apply(main, nodes.filter(Boolean));
        main.setAttribute("aria-busy", "false");
        document.title = (title ? title + " – " : "") + "Riverside Integrative Clinic (headless)";
        main.focus();
    }

    function showError(error) {
        show([el("h1", { text: "Something went wrong" }), el("p", { text: String(error.message || error) })]);
    }

    /* ---------- conditions list ---------- */

    function renderList() {
        getAllItems("pages/?type=wagtail_conditions.ConditionPage&fields=summary&order=title")
            .then(function (items) {
                var list = el("ul", { class: "wc-cards" });
                items.forEach(function (item) {
                    list.appendChild(el("li", { class: "wc-card" }, [
                        el("h2", { class: "wc-card__title" }, [el("a", { href: "#/conditions/" + item.id, text: item.title })]),
                        el("p", { class: "wc-card__summary", text: item.summary }),
                    ]));
                });
                show([
                    el("h1", { text: "Conditions we treat" }),
                    el("p", { class: "wc-lead", text: items.length + (items.length === 1 ? " condition" : " conditions") }),
                    list,
                ], "Conditions");
            })
            .catch(showError);
    }

    /* ---------- one condition ---------- */

    function renderCondition(id) {
        getJSON("pages/" + encodeURIComponent(id) + "/")
            .then(function (page) { showCondition(page, false); })
            .catch(showError);
    }

    function showCondition(page, preview) {
        var nodes = [
            previewBanner(preview),
            el("p", {}, [el("a", { href: location.pathname + "#/", text: "All conditions" })]),
            el("h1", { text: page.title }),
        ];
        if (page.alternative_names && page.alternative_names.length) {
            nodes.push(el("p", { class: "wc-alt-names", text: "Also called: " + page.alternative_names.join(", ") }));
        }
        nodes.push(el("p", { class: "wc-lead", text: page.summary }));
        (page.sections || []).forEach(function (section) {
            var node = el("section", { class: "wc-section", id: section.name, "aria-labelledby": section.name + "-heading" }, [
                el("h2", { id: section.name + "-heading", text: section.heading }),
            ]);
            (page[section.name] || []).forEach(function (block) {
                var rendered = renderBlock(block, preview);
                if (rendered) node.appendChild(rendered);
            });
            if (section.name === "treatment") node.appendChild(renderTherapies(page.therapies));
            nodes.push(node);
        });
        show(nodes, (preview ? "Preview: " : "") + page.title);
    }

    /* ---------- previews of drafts (wagtail-headless-preview) ---------- */

    function previewParams() {
        var params = new URLSearchParams(location.search);
        var contentType = params.get("content_type");
        var token = params.get("token");
        return contentType && token ? { content_type: contentType, token: token } : null;
    }

    function previewBanner(preview) {
        if (!preview) return null;
        return el("p", { class: "hc-preview-banner", text: "Preview of a draft: what you see here is not published yet." });
    }

    function renderPreview(params) {
        getJSON("page_preview/?content_type=" + encodeURIComponent(params.content_type) +
            "&token=" + encodeURIComponent(params.token))
            .then(function (page) {
                if (page.meta && page.meta.type === "wagtail_conditions.ConditionPage") {
                    showCondition(page, true);
                    return;
                }
                // This demo renders condition pages in full; other pages by their title and text.
                show([
                    previewBanner(true),
                    el("h1", { text: page.title }),
                    page.summary || page.intro ? el("p", { class: "wc-lead", text: page.summary || page.intro }) : null,
                    el("p", { class: "wc-hint", text: "This demo client shows condition pages in full; this page type is shown by its title and summary only." }),
                ], "Preview: " + page.title);
            })
            .catch(showError);
    }

    function renderTherapies(therapies) {
        var list = el("ul", { class: "wc-cards", "aria-label": "Therapies" });
        (therapies || []).forEach(function (therapy) {
            list.appendChild(el("li", { class: "wc-card" }, [
                el("h3", { class: "wc-card__title", text: therapy.title }),
                el("p", { class: "wc-card__summary", text: therapy.summary }),
                therapy.note ? el("p", { class: "wc-card__note", text: therapy.note }) : null,
            ]));
        });
        return list;
    }

    function renderBlock(block, preview) {
        var value = block.value;
        switch (block.type) {
            case "heading":
                return el(value.level === "h3" ? "h3" : "h2", { class: "wc-heading", text: value.text });
            case "paragraph":
                return el("div", { class: "wc-prose", html: value });
            case "callout":
                return el("aside", { class: "wc-callout wc-callout--" + value.tone, "aria-label": value.heading }, [
                    el("h3", { class: "wc-callout__heading", text: value.heading }),
                    el("div", { html: value.text }),
                ]);
            case "quote":
                return el("figure", { class: "wc-quote" }, [
                    el("blockquote", {}, [el("p", { text: value.quote })]),
                    value.attribution ? el("figcaption", { text: value.attribution }) : null,
                ]);
            case "image":
                if (!value) return null;
                return el("figure", { class: "wc-figure" }, [
                    el("img", { class: "wc-figure__img", src: value.renditions.default.url, alt: value.alt,
                        width: value.renditions.default.width, height: value.renditions.default.height }),
                    value.caption ? el("figcaption", { text: value.caption }) : null,
                ]);
            case "embed":
                return el("figure", { class: "wc-embed" }, [
                    el("div", { class: "wc-embed__frame", html: value.html }),
                    el("figcaption", { text: value.caption || value.title }),
                ]);
            case "faq":
                var faq = el("section", { class: "wc-faq" }, [value.heading ? el("h3", { text: value.heading }) : null]);
                (value.items || []).forEach(function (item) {
                    faq.appendChild(el("details", { class: "wc-faq__item" }, [
                        el("summary", { text: item.question }), el("div", { html: item.answer }),
                    ]));
                });
                return faq;
            case "links":
                var list = el("ul");
                (value.links || []).forEach(function (link) {
                    if (link.value.url) list.appendChild(el("li", {}, [el("a", { href: link.value.url, text: link.value.text })]));
                });
                return el("nav", { class: "wc-links", "aria-label": value.heading || "Related links" }, [
                    value.heading ? el("h3", { text: value.heading }) : null, list,
                ]);
            case "call_to_action":
                return el("aside", { class: "wc-cta", "aria-label": value.heading }, [
                    el("h3", { class: "wc-cta__heading", text: value.heading }),
                    value.text ? el("p", { text: value.text }) : null,
                    value.href ? el("a", { class: "wc-button", href: value.href, text: value.button_label }) : null,
                ]);
            case "appointment_form":
                return renderAppointmentForm(value, preview);
            default:
                return null;
        }
    }

    /* ---------- the appointment form, from its API description ---------- */

    function renderAppointmentForm(form, preview) {
        var prefix = "hc-" + form.submit.block.slice(0, 8);
        var section = el("section", { class: "wc-appointment", id: form.anchor, "aria-labelledby": prefix + "-heading" }, [
            el("h2", { id: prefix + "-heading", text: form.heading }),
            form.intro ? el("p", { text: form.intro }) : null,
            el("p", { class: "wc-hint", text: form.booking_notice }),
        ]);
        var summary = el("div", { class: "wc-error-summary", role: "alert", tabindex: "-1", hidden: true });
        var formNode = el("form", { class: "wc-form", novalidate: true });
        var honeypot = form.submit.honeypot_field;

        form.fields.forEach(function (field) {
            formNode.appendChild(renderField(field, prefix));
        });
        formNode.appendChild(el("button", { class: "wc-button", type: "submit", text: form.button_label, disabled: !!preview }));
        if (preview) {
            // The token in a draft's form is valid for the live page: never send from a preview.
            formNode.appendChild(el("p", { class: "wc-hint", text: "Requests cannot be sent from a preview." }));
        }
        section.appendChild(summary);
        section.appendChild(formNode);

        formNode.addEventListener("submit", function (event) {
            event.preventDefault();
            if (preview) return;
            var body = { page: form.submit.page, block: form.submit.block, token: form.submit.token };
            body[honeypot] = "";
            form.fields.forEach(function (field) {
                if (field.type === "checkbox") {
                    body[field.name] = formNode.elements[field.name].checked;
                } else if (field.type === "radio") {
                    var checked = formNode.querySelector("input[name='" + field.name + "']:checked");
                    if (checked) body[field.name] = checked.value;
                } else if (formNode.elements[field.name].value !== "") {
                    body[field.name] = formNode.elements[field.name].value;
                }
            });
            // One Idempotency-Key per set of answers: sending the same answers again (a retry
            // after a network error) cannot store a second request, while changed answers
            // (after a 422) get a key of their own instead of a 409.
            var answers = JSON.stringify(body);
            if (answers !== lastAnswers) {
                lastAnswers = answers;
                idempotencyKey = newKey();
            }
            send(body, true);
        });

        var lastAnswers = null;
        var idempotencyKey = null;

        function send(body, mayRetry) {
            var button = formNode.querySelector("button");
            button.disabled = true;
            fetch(form.submit.url, {
                method: form.submit.method,
                headers: {
                    "Content-Type": form.submit.content_type,
                    Accept: "application/json",
                    "Idempotency-Key": idempotencyKey,
                },
                credentials: "omit",
                body: JSON.stringify(body),
            })
                .then(function (response) {
                    return response.json().then(function (data) { return { status: response.status, data: data }; });
                })
                .then(function (result) {
                    button.disabled = false;
                    if (result.status === 403 && result.data.token && mayRetry) {
                        // The form token expired while the page was open: the answer carries a
                        // fresh one, so send the same answers again once, without bothering the
                        // patient.
                        form.submit.token = body.token = result.data.token;
                        send(body, false);
                    } else if (result.status === 201) {
                        var done = el("div", { class: "wc-success", role: "status", tabindex: "-1" }, [
                            el("h3", { text: "Request sent" }),
                            el("p", { text: result.data.message }),
                            el("p", { text: "Your reference: " + result.data.reference }),
                        ]);
                        section.replaceChildren(section.firstChild, done);
                        done.focus();
                    } else {
                        showErrors(result.data, summary, formNode, prefix);
                    }
                })
                .catch(function () {
                    button.disabled = false;
                    showErrors({ detail: "We could not send your request. Check your connection and try again." }, summary, formNode, prefix);
                });
        }
        return section;
    }

    function newKey() {
        if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
        return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2);
    }

    function renderField(field, prefix) {
        var id = prefix + "-" + field.name;
        var wrapper = el(field.type === "radio" ? "fieldset" : "div", {
            class: field.type === "radio" ? "wc-fieldset" : "wc-field", "data-field": field.name,
        });
        var labelText = field.label + (field.required || field.type === "checkbox" ? "" : " (optional)");
        var hint = field.help_text ? el("p", { class: "wc-hint", id: id + "-hint", text: field.help_text }) : null;
        var describedBy = field.help_text ? id + "-hint" : null;
        if (field.type === "radio") {
            wrapper.appendChild(el("legend", { text: labelText }));
            if (hint) wrapper.appendChild(hint);
            if (describedBy) wrapper.setAttribute("aria-describedby", describedBy);
            field.choices.forEach(function (choice, index) {
                var choiceId = id + "-" + index;
                wrapper.appendChild(el("div", { class: "wc-choice" }, [
                    el("input", { type: "radio", name: field.name, value: choice.value, id: choiceId }),
                    el("label", { for: choiceId, text: choice.label }),
                ]));
            });
            return wrapper;
        }
        if (field.type === "checkbox") {
            var label = el("label", { for: id }, [field.label]);
            if (field.link_url) label.appendChild(el("a", { href: field.link_url, text: " " + field.link_text }));
            wrapper.appendChild(el("div", { class: "wc-choice" }, [
                el("input", { type: "checkbox", name: field.name, id: id, required: field.required }), label,
            ]));
            return wrapper;
        }
        wrapper.appendChild(el("label", { class: "wc-label", for: id, text: labelText }));
        if (hint) wrapper.appendChild(hint);
        var input = el(field.type === "textarea" ? "textarea" : "input", {
            class: "wc-input", id: id, name: field.name,
            type: field.type === "textarea" ? null : field.type,
            required: field.required, maxlength: field.max_length, min: field.min, max: field.max,
            autocomplete: field.autocomplete, "aria-describedby": describedBy,
        });
        wrapper.appendChild(input);
        return wrapper;
    }

    function showErrors(problem, summary, formNode, prefix) {
        formNode.querySelectorAll(".wc-error-message").forEach(function (node) { node.remove(); });
        formNode.querySelectorAll("[aria-invalid]").forEach(function (node) { node.removeAttribute("aria-invalid"); });
        var list = el("ul");
        var errors = problem.errors || [];
        if (!errors.length) list.appendChild(el("li", { text: problem.detail || "Something went wrong." }));
        errors.forEach(function (error) {
            var name = error.loc && error.loc[1];
            var wrapper = name ? formNode.querySelector("[data-field='" + name + "']") : null;
            var target = wrapper ? wrapper.querySelector("input, textarea, select") : null;
            if (target) {
                var messageId = prefix + "-" + name + "-error";
                wrapper.insertBefore(el("p", { class: "wc-error-message", id: messageId, text: error.msg }), wrapper.children[1] || null);
                target.setAttribute("aria-invalid", "true");
                var describedBy = (target.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
                if (describedBy.indexOf(messageId) < 0) describedBy.push(messageId);
                target.setAttribute("aria-describedby", describedBy.join(" "));
                list.appendChild(el("li", {}, [el("a", { href: "#" + target.id, text: error.msg })]));
            } else {
                list.appendChild(el("li", { text: error.msg }));
            }
        });
        summary.replaceChildren(el("h3", { class: "wc-error-summary__title", text: "There is a problem" }), list);
        summary.hidden = false;
        summary.focus();
    }

    /* ---------- routing ---------- */

    function route() {
        main.setAttribute("aria-busy", "true");
        var match = location.hash.match(/^#\/conditions\/(\d+)$/);
        var preview = previewParams();
        if (match) renderCondition(match[1]);
        else if (preview) renderPreview(preview);
        else renderList();
    }

    window.addEventListener("hashchange", function () {
        if (/^#\//.test(location.hash) || location.hash === "") route();
    });
    route();
})();
