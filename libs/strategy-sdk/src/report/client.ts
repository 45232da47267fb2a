/**
 * The report's browser script (plain ES2017, no imports): reads the embedded JSON and draws the
 * charts with the inlined lightweight-charts standalone build (`window.LightweightCharts`).
 * Kept as a string so the report stays one file with no build step.
 */
export const CLIENT_SCRIPT = String.raw`
(function () {
  'use strict';
  var LC = window.LightweightCharts;
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var base = {
    autoSize: true,
    layout: { attributionLogo: false, background: { type: 'solid', color: '#ffffff' }, textColor: '#334155', fontSize: 12 },
    grid: { vertLines: { color: '#f1f5f9' }, horzLines: { color: '#f1f5f9' } },
    rightPriceScale: { borderColor: '#cbd5e1' },
    // A tiny minimum bar spacing lets fitContent show the whole window (thousands of candles) at first; zoom to read candles.
    timeScale: { borderColor: '#cbd5e1', timeVisible: true, secondsVisible: false, minBarSpacing: 0.001 },
    crosshair: { mode: 0 },
  };
  function chart(el) { return LC.createChart(el, base); }
  function line(points) { return points.map(function (p) { return { time: p[0], value: p[1] }; }); }
  var percent = { type: 'custom', minMove: 0.01, formatter: function (v) { return v.toFixed(2) + ' %'; } };

  var equityChart = chart(document.getElementById('equity-chart'));
  equityChart.addSeries(LC.AreaSeries, {
    lineColor: '#2563eb', topColor: 'rgba(37,99,235,0.28)', bottomColor: 'rgba(37,99,235,0.02)', lineWidth: 2,
  }).setData(line(data.equity));
  equityChart.timeScale().fitContent();

  var ddChart = chart(document.getElementById('drawdown-chart'));
  ddChart.addSeries(LC.BaselineSeries, {
    baseValue: { type: 'price', price: 0 }, priceFormat: percent, lineWidth: 1,
    // Keep 0 % (the peak) on the scale so the fill reads as depth below it.
    autoscaleInfoProvider: function (original) {
      var r = original();
      if (r && r.priceRange) r.priceRange.maxValue = Math.max(r.priceRange.maxValue, 0);
      return r;
    },
    topLineColor: 'rgba(0,0,0,0)', topFillColor1: 'rgba(0,0,0,0)', topFillColor2: 'rgba(0,0,0,0)',
    bottomLineColor: '#dc2626', bottomFillColor1: 'rgba(220,38,38,0.08)', bottomFillColor2: 'rgba(220,38,38,0.45)',
  }).setData(line(data.drawdown));
  ddChart.timeScale().fitContent();

  // Equity and drawdown share their timestamps, so scrolling one scrolls the other.
  var syncing = false;
  function follow(from, to) {
    from.timeScale().subscribeVisibleLogicalRangeChange(function (range) {
      if (syncing || !range) return;
      syncing = true; to.timeScale().setVisibleLogicalRange(range); syncing = false;
    });
  }
  follow(equityChart, ddChart);
  follow(ddChart, equityChart);

  data.symbols.forEach(function (s, i) {
    var priceChart = chart(document.getElementById('price-chart-' + i));
    var series = priceChart.addSeries(LC.CandlestickSeries, {
      upColor: '#16a34a', downColor: '#dc2626', borderVisible: false, wickUpColor: '#16a34a', wickDownColor: '#dc2626',
    });
    series.setData(s.bars.map(function (b) { return { time: b[0], open: b[1], high: b[2], low: b[3], close: b[4] }; }));
    function markers(labelled) {
      return s.markers.map(function (m) {
        var up = (m.kind === 'entry') === (m.side === 'long');
        return {
          time: m.time,
          position: up ? 'belowBar' : 'aboveBar',
          shape: up ? 'arrowUp' : 'arrowDown',
          color: m.kind === 'entry' ? '#2563eb' : (m.win ? '#16a34a' : '#dc2626'),
          text: labelled ? m.text : '',
        };
      });
    }
    var plugin = LC.createSeriesMarkers(series, markers(false));
    // Labels only when they fit (about 40 px per marker in view); zooming in brings them back.
    var labelled = null;
    priceChart.timeScale().subscribeVisibleTimeRangeChange(function (range) {
      if (!range) return;
      var inView = 0;
      s.markers.forEach(function (m) { if (m.time >= range.from && m.time <= range.to) inView++; });
      var want = inView > 0 && priceChart.timeScale().width() / inView >= 40;
      if (want !== labelled) { labelled = want; plugin.setMarkers(markers(want)); }
    });
    priceChart.timeScale().fitContent();
  });
})();
`;
