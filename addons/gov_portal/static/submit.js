/* The submit page: the fees follow the quantities typed in the eForm.
   The total is the server's (GET /nop-ho-so/<code>/le-phi), never
   computed here; without a script the total is the one of the last
   sending of the form. */
(function () {
  'use strict';
  var card = document.getElementById('fees');
  var inputs = document.querySelectorAll('[data-fee-quantity]');
  if (!card || !inputs.length || !window.fetch) { return; }
  var timer = null;
  var asked = 0;

  function refresh() {
    var query = [];
    inputs.forEach(function (input) {
      query.push(encodeURIComponent(input.name) + '='
        + encodeURIComponent(input.value));
    });
    var number = ++asked;
    fetch(card.dataset.feeUrl + '?' + query.join('&'),
      {credentials: 'same-origin', headers: {Accept: 'application/json'}})
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      })
      .then(function (fees) {
        if (number !== asked) { return; }  // a newer answer is coming
        document.getElementById('fee-total').textContent = fees.total;
        fees.lines.forEach(function (line) {
          var cell = card.querySelector('[data-fee-line="' + line.id + '"]');
          if (cell) { cell.textContent = line.text; }
        });
      })
      .catch(function () { /* the total of the server's page stays */ });
  }

  inputs.forEach(function (input) {
    input.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, 250);
    });
  });
}());
