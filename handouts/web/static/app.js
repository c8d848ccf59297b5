// Progressive enhancement of the forms: every button also works without this script.
// The server does all checking and planning; this only sends the form and swaps in its answer.
(function () {
  "use strict";

  var handoutForm = document.getElementById("handout-form");
  if (handoutForm) enhanceHandoutForm(handoutForm);
  var batchRun = document.getElementById("batch-run-form");
  if (batchRun) enhanceBatchRun(batchRun);

  // The cover file and the password travel only when a PDF is asked for, not with every plan refresh.
  var PDF_ONLY = ["cover_file", "password", "password_again"];

  function post(form, extra) {
    var body = new FormData(form);
    if (extra.action === "plan") PDF_ONLY.forEach(function (name) { body.delete(name); });
    Object.keys(extra).forEach(function (key) { body.set(key, extra[key]); });
    // getAttribute: form.action would be the buttons named "action".
    return fetch(form.getAttribute("action"), {
      method: "POST", body: body, credentials: "same-origin", headers: { Accept: "application/json" }
    });
  }

  function enhanceHandoutForm(form) {
    var plan = document.getElementById("plan");
    var planStatus = document.getElementById("plan-status");
    var actionsStatus = document.getElementById("actions-status");
    var previewSection = document.getElementById("preview");
    var previewFrame = document.getElementById("preview-frame");
    var previewUrl = null;
    var sequence = 0;
    var pending = 0;
    var notes = document.getElementById("field-notes");
    var recountNotes = notes ? countCharacters(notes) : function () {};

    form.addEventListener("change", function (event) {
      var target = event.target;
      if (target.hasAttribute("data-replan") || (plan.contains(target) && target.name.indexOf("dose.") === 0)) {
        refresh({});
      }
    });

    form.addEventListener("submit", function (event) {
      var button = event.submitter;
      if (!button) return;
      if (button.name === "edit") {
        event.preventDefault();
        refresh({ edit: button.value });
      } else if (button.value === "plan") {
        event.preventDefault();
        refresh({});
      } else if (button.value === "preview") {
        event.preventDefault();
        preview();
      }
      // "download" is an ordinary submission: the browser saves the PDF, or shows the page with errors.
    });

    // Every plan refresh and preview takes the next number; only the answer to the latest one
    // may change the plan and the messages, so a slow earlier answer can never undo a later one.
    function refresh(extra) {
      var mine = ++sequence;
      extra.action = "plan";
      busy(1);
      return post(form, extra).then(function (response) {
        return response.json().then(function (data) {
          if (mine !== sequence) return;
          if (!response.ok && !data.html) {
            planStatus.textContent = data.error || "The plan could not be updated. Reload the page.";
            actionsStatus.textContent = planStatus.textContent;
            return;
          }
          replacePlan(data.html);
          showErrors(data.errors || {});
          planStatus.textContent = data.status || "";
        });
      }).catch(function () {
        if (mine === sequence) actionsStatus.textContent = "The plan could not be updated: is handouts serve still running?";
      }).then(function () { busy(-1); });
    }

    // The plan is marked busy while any answer is awaited (screen readers wait for the last one).
    function busy(change) {
      pending += change;
      plan.setAttribute("aria-busy", pending > 0 ? "true" : "false");
    }

    function replacePlan(html) {
      // Keep the keyboard where it was: same control (by id), its half-typed value, else the heading.
      var active = document.activeElement;
      var wasInside = active && plan.contains(active);
      var id = wasInside ? active.id : null;
      var typed = wasInside && active.tagName === "INPUT" && active.type === "number" ? active.value : null;
      plan.innerHTML = html;
      if (!wasInside) return;
      var again = id && document.getElementById(id);
      if (again && again.disabled) {
        // A "move" button that is now disabled (its exercise reached an end): stay on that exercise.
        again = again.closest("li") && again.closest("li").querySelector("button:not([disabled])");
      }
      if (again) {
        if (typed !== null) again.value = typed;
        again.focus();
      } else {
        document.getElementById("plan-heading").focus();
      }
    }

    function showErrors(errors) {
      document.querySelectorAll("[data-error-for]").forEach(function (slot) {
        var text = errors[slot.getAttribute("data-error-for")] || "";
        slot.textContent = text;
        slot.hidden = !text;
        var field = slot.parentElement.querySelector("input, select, textarea");
        if (field) {
          if (text) field.setAttribute("aria-invalid", "true"); else field.removeAttribute("aria-invalid");
          slot.parentElement.classList.toggle("has-error", Boolean(text));
        }
      });
      var summary = document.getElementById("error-summary");
      if (summary && Object.keys(errors).length === 0) summary.hidden = true;
      // An answer to an earlier request knows the notes as they were then: count what is there now.
      recountNotes();
    }

    function preview() {
      var mine = ++sequence;
      actionsStatus.textContent = "Making the preview…";
      busy(1);
      post(form, { action: "preview" }).then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (response.ok && type.indexOf("application/pdf") === 0) {
          return response.blob().then(function (blob) {
            // The PDF asked for is shown even if the plan changed meanwhile; the messages only if not.
            if (previewUrl) URL.revokeObjectURL(previewUrl);
            previewUrl = URL.createObjectURL(blob);
            previewFrame.src = previewUrl;
            if (mine === sequence) showErrors({});
            previewSection.hidden = false;
            actionsStatus.textContent = "The preview is below the form.";
            document.getElementById("preview-heading").focus();
          });
        }
        return response.json().then(function (data) {
          if (mine !== sequence) return;
          if (data.html) replacePlan(data.html);
          showErrors(data.errors || {});
          var count = Object.keys(data.errors || {}).length;
          actionsStatus.textContent = count ? "Please fix the marked fields first." : (data.error || "");
          var first = document.querySelector("[aria-invalid='true']");
          if (first) first.focus();
        });
      }).catch(function () {
        if (mine === sequence) actionsStatus.textContent = "The preview could not be made: is handouts serve still running?";
      }).then(function () { busy(-1); });
    }
  }

  // A live count under the notes, and the server's own message as soon as they pass the limit
  // (the field has no maxlength: a pasted text is never cut without a word).
  function countCharacters(field) {
    var limit = Number(field.getAttribute("data-limit"));
    var tooLong = field.getAttribute("data-too-long");
    var countText = field.getAttribute("data-count");
    var counter = document.getElementById(field.id.replace("field-", "") + "-count");
    var slot = document.getElementById(field.id.replace("field-", "") + "-error");
    var status = document.getElementById(field.id.replace("field-", "") + "-status");
    var wasOver = false;

    function number(n) { return n.toLocaleString("en-US"); }

    function update() {
      var count = Array.from(field.value).length;  // characters, as the server counts them
      var over = count > limit;
      counter.textContent = countText.replace("{count}", number(count));
      var message = over ? tooLong.replace("{count}", number(count)).replace("{over}", number(count - limit)) : "";
      slot.textContent = message;
      slot.hidden = !over;
      if (over) field.setAttribute("aria-invalid", "true"); else field.removeAttribute("aria-invalid");
      field.parentElement.classList.toggle("has-error", over);
      if (over !== wasOver) {  // announced once when the limit is passed, not at every key
        status.textContent = over ? "The notes are longer than " + number(limit) + " characters." : "";
        wasOver = over;
      }
    }

    field.addEventListener("input", update);
    update();
    return update;
  }

  function enhanceBatchRun(form) {
    var progress = document.getElementById("batch-progress");
    var status = document.getElementById("batch-status");
    var button = document.getElementById("run-batch");
    form.addEventListener("submit", function (event) {
      // Only the batch itself is sent from here; the problems CSV is an ordinary download.
      if (!button || event.submitter !== button) return;
      event.preventDefault();
      progress.hidden = false;
      button.disabled = true;
      status.textContent = "";
      post(form, {}).then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (response.ok && type.indexOf("application/zip") === 0) {
          var summary = response.headers.get("X-Handouts-Summary") || "Done";
          var name = (/filename="?([^";]+)"?/.exec(response.headers.get("Content-Disposition") || "") || [])[1];
          return response.blob().then(function (blob) {
            var link = document.createElement("a");
            link.href = URL.createObjectURL(blob);
            link.download = name || "handouts.zip";
            document.body.appendChild(link);
            link.click();
            link.remove();
            status.textContent = summary + ". The zip is in your downloads.";
          });
        }
        status.textContent = "No handout could be made. Check the file again.";
      }).catch(function () {
        status.textContent = "The handouts could not be made: is handouts serve still running?";
      }).then(function () {
        progress.hidden = true;
        button.disabled = false;
      });
    });
  }
})();
