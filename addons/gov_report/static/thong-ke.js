// The chart of /thong-ke (gov_report): Chart.js draws the numbers of the
// monthly table, given as JSON in #chart-data. Without JavaScript or
// Chart.js the table alone carries them.
(function () {
  'use strict';
  var canvas = document.getElementById('statistics-chart');
  var source = document.getElementById('chart-data');
  if (!canvas || !source || typeof window.Chart === 'undefined') {
    return;
  }
  var data = JSON.parse(source.textContent);
  // Early, on time, late: colours told apart without hue too (lightness),
  // each at least 3:1 against the white background.
  var colours = {
    resolved_early: '#1d6b33',
    resolved_on_time: '#0b4f8a',
    resolved_late: '#b3261e'
  };
  // The portal's font and ink, a size read without zooming.
  var style = window.getComputedStyle(document.body);
  window.Chart.defaults.font.family = style.fontFamily;
  window.Chart.defaults.font.size = 13;
  window.Chart.defaults.color = '#1a1a1a';
  var reduced = window.matchMedia &&
    window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  new window.Chart(canvas, {
    type: 'bar',
    data: {
      labels: data.labels,
      datasets: data.series.map(function (serie) {
        return {
          label: serie.label,
          data: serie.data,
          backgroundColor: colours[serie.key],
          borderColor: '#ffffff',
          borderWidth: 1
        };
      })
    },
    options: {
      maintainAspectRatio: false,
      animation: reduced ? false : {duration: 400},
      locale: 'vi-VN',
      plugins: {
        title: {display: true, text: data.title, color: '#1a1a1a'},
        legend: {position: 'bottom', labels: {color: '#1a1a1a'}}
      },
      scales: {
        x: {stacked: true, ticks: {color: '#1a1a1a'}},
        y: {stacked: true, beginAtZero: true,
          title: {display: true, text: data.axis, color: '#1a1a1a'},
          ticks: {color: '#1a1a1a', precision: 0}}
      }
    }
  });
  canvas.setAttribute('data-rendered', '1');
}());
