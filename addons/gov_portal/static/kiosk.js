/* Kiosk: on-screen keypad and self-clearing after a minute of inactivity. */
(function () {
  'use strict';
  var input = document.getElementById('ma');
  var IDLE_MS = 60000;
  var timer = null;
  function clearAll() {
    window.location.replace('/kiosk');
  }
  function restart() {
    if (timer) { window.clearTimeout(timer); }
    timer = window.setTimeout(function () {
      var dirty = input.value !== '' || document.getElementById('kiosk-result').children.length;
      if (dirty || window.location.search) { clearAll(); } else { restart(); }
    }, IDLE_MS);
  }
  document.querySelectorAll('.keypad button').forEach(function (button) {
    button.addEventListener('click', function () {
      var key = button.getAttribute('data-key');
      if (key === 'back') { input.value = input.value.slice(0, -1); }
      else if (key === 'clear') { input.value = ''; }
      else { input.value += key; }
      input.focus();
    });
  });
  ['click', 'keydown', 'touchstart', 'input'].forEach(function (name) {
    document.addEventListener(name, restart, {passive: true});
  });
  restart();
  window.kioskIdleMs = IDLE_MS;
}());
