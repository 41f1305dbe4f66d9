/* Small progressive enhancements; every page works without them. */
(function () {
  'use strict';
  // A form is sent once: the buttons are disabled after the first click
  // (the server also recognises a form sent twice).
  document.querySelectorAll('form[method="post"]').forEach(function (form) {
    form.addEventListener('submit', function (event) {
      if (form.dataset.sent) { event.preventDefault(); return; }
      form.dataset.sent = '1';
      var submitter = event.submitter;
      if (submitter && submitter.name) {
        var hidden = document.createElement('input');
        hidden.type = 'hidden'; hidden.name = submitter.name;
        hidden.value = submitter.value; form.appendChild(hidden);
      }
      form.querySelectorAll('button[type="submit"]').forEach(function (b) {
        b.disabled = true; b.setAttribute('aria-busy', 'true');
      });
    });
  });
  // Print buttons (the receipt): window.print needs a script, so they
  // stay hidden without one; the print dialog also saves a PDF.
  document.querySelectorAll('[data-print]').forEach(function (button) {
    button.hidden = false;
    button.addEventListener('click', function () { window.print(); });
  });
  // Errors: move the focus to the summary so screen readers announce it.
  var summary = document.getElementById('error-summary');
  if (summary) { summary.focus(); }
}());
