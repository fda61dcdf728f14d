/* Progressive enhancement for the platform's pages: countdowns, maps, the live dashboard.
   Every page works without this file; it only adds what needs a script. */
(function () {
  "use strict";
  var body = document.body.dataset;

  // ---- deadline countdowns ------------------------------------------------------------------
  function formatSpan(ms) {
    var minutes = Math.floor(Math.abs(ms) / 60000), days = Math.floor(minutes / 1440);
    var hours = Math.floor((minutes % 1440) / 60), mins = minutes % 60;
    var parts = [];
    if (days) parts.push(days + body.iDays);
    if (hours || days) parts.push(hours + body.iHours);
    parts.push(mins + body.iMinutes);
    return parts.join(" ");
  }
  function tick() {
    document.querySelectorAll(".countdown[data-due]").forEach(function (el) {
      var left = new Date(el.dataset.due) - new Date();
      el.textContent = (left < 0 ? body.iOverdueBy + " " : body.iLeft + " ") + formatSpan(left);
      el.classList.toggle("late", left < 0);
      el.classList.toggle("soon", left >= 0 && left < 4 * 3600 * 1000);
    });
  }
  tick();
  setInterval(tick, 30000);
  document.body.addEventListener("htmx:afterSwap", tick);

  // A chart follows its box, not the window: the box changes width when the phone turns, when the page's layout
  // settles after the chart was drawn, or when a column wraps.
  function fitted(el) {
    var chart = echarts.init(el);
    new ResizeObserver(function () { chart.resize(); }).observe(el);
    return chart;
  }

  // ---- charts described by the server: <div data-echarts="{option JSON}"> ---------------------
  if (window.echarts) {
    document.querySelectorAll("[data-echarts]").forEach(function (el) {
      fitted(el).setOption(JSON.parse(el.dataset.echarts));
    });
  }

  // ---- reply templates (常用语) of an action form: picking one fills the free-text field ---------
  // The text stays editable. What the user typed is kept: a pick replaces the field only while it is empty or
  // still holds the previous pick; otherwise the wording is added on a new line.
  document.querySelectorAll(".reply-templates[data-fills]").forEach(function (box) {
    var select = box.querySelector("select"), field = document.getElementById(box.dataset.fills), picked = "";
    if (!select || !field) return;
    box.hidden = false;
    select.addEventListener("change", function () {
      var option = select.options[select.selectedIndex], text = option ? option.dataset.text : "";
      if (!text) return;
      var current = field.value.trim();
      field.value = current && field.value !== picked ? field.value.replace(/\s+$/, "") + "\n" + text : text;
      picked = field.value;
      field.dispatchEvent(new Event("input", { bubbles: true }));
      field.focus();
    });
  });

  if (!window.L) return;

  // ---- maps (no tiles: grid outlines are the map) -------------------------------------------
  function blankMap(el) {
    var map = L.map(el, { attributionControl: false, zoomControl: false, zoomSnap: 0.25 }).setView([39.99, 116.27], 11);
    L.control.zoom({ zoomInTitle: body.iZoomIn, zoomOutTitle: body.iZoomOut }).addTo(map);
    return map;
  }
  function drawGrids(map, url, style, onEach) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (data) {
      var layer = L.geoJSON(data, { style: style, onEachFeature: onEach }).addTo(map);
      if (layer.getBounds().isValid()) map.fitBounds(layer.getBounds());
      return layer;
    });
  }

  var caseMap = document.getElementById("case-map");
  if (caseMap) {
    var map = blankMap(caseMap), point = [parseFloat(caseMap.dataset.lat), parseFloat(caseMap.dataset.lng)];
    var boundary = JSON.parse(document.getElementById("grid-boundary").textContent);
    var outline = L.geoJSON(boundary, { style: { color: "#1f5fa8", weight: 2, fillOpacity: 0.08 } }).addTo(map);
    L.circleMarker(point, { radius: 8, color: "#b3261e", fillOpacity: 0.9 }).addTo(map);
    map.fitBounds(outline.getBounds().extend(point));
  }

  var gridMap = document.getElementById("grid-map");
  if (gridMap) {
    var gmap = blankMap(gridMap);
    drawGrids(gmap, gridMap.dataset.geojson, { color: "#1f5fa8", weight: 1, fillOpacity: 0.1 }, function (f, layer) {
      layer.bindTooltip(f.properties.name);
    });
  }

  var pickMap = document.getElementById("pick-map");
  if (pickMap) {
    var pmap = blankMap(pickMap), marker = null;
    var lat = document.getElementById("id_lat"), lng = document.getElementById("id_lng");
    var located = document.getElementById("located"), button = document.getElementById("use-location");
    drawGrids(pmap, pickMap.dataset.outlines, { color: "#8a99a8", weight: 0.5, fillOpacity: 0.03 }).catch(function () {});
    function place(latValue, lngValue) {
      lat.value = latValue.toFixed(6);
      lng.value = lngValue.toFixed(6);
      document.querySelectorAll(".here-lat").forEach(function (el) { el.value = lat.value; });
      document.querySelectorAll(".here-lng").forEach(function (el) { el.value = lng.value; });
      if (marker) marker.remove();
      marker = L.circleMarker([latValue, lngValue], { radius: 8, color: "#b3261e", fillOpacity: 0.9 }).addTo(pmap);
      suggestDuplicates();
      fetch("/api/v1/grids/locate/?lat=" + lat.value + "&lng=" + lng.value).then(function (r) {
        return r.json().then(function (data) { return { ok: r.ok, data: data }; });
      }).then(function (result) {
        located.textContent = result.ok ? body.iGrid + ": " + result.data.name + " (" + result.data.code + ")"
                                        : result.data.detail;
      });
    }
    // Open cases of the chosen kind near the point (cases/duplicates.py): a hint, never a block.
    var duplicates = document.getElementById("duplicates"), category = document.getElementById("id_category");
    function suggestDuplicates() {
      if (!duplicates || !category || !category.value || !lat.value || !lng.value) return;
      var query = new URLSearchParams({ category: category.value, lat: lat.value, lng: lng.value });
      fetch(duplicates.dataset.url + "?" + query, { credentials: "same-origin" }).then(function (r) {
        return r.ok ? r.json() : [];
      }).then(function (found) {
        var list = duplicates.querySelector("ul");
        list.replaceChildren();
        found.forEach(function (d) {
          var item = document.createElement("li"), link = document.createElement("a");
          link.href = duplicates.dataset.case.replace("NUMBER", d.number);
          link.textContent = d.number;
          item.append(link, " " + d.title + " · " + duplicates.dataset.away.replace("METRES", d.distance_m));
          if (duplicates.dataset.followUp) {  // the hotline desk: the call may be about that case
            var add = document.createElement("button");
            add.className = "btn";
            add.type = "submit";
            add.formNoValidate = true;
            add.setAttribute("formaction", duplicates.dataset.followUp.replace("NUMBER", d.number));
            add.textContent = duplicates.dataset.followUpLabel;
            item.append(" ", add);
          }
          list.append(item);
        });
        duplicates.hidden = found.length === 0;
      }).catch(function () {});
    }
    [category, lat, lng].forEach(function (el) { if (el) el.addEventListener("change", suggestDuplicates); });
    pmap.on("click", function (e) { place(e.latlng.lat, e.latlng.lng); });
    // Another control chose the point (the hotline desk's place search): {detail: {lat, lng}}.
    pickMap.addEventListener("place", function (e) {
      place(e.detail.lat, e.detail.lng);
      pmap.setView([e.detail.lat, e.detail.lng], 15);
    });
    if (lat.value && lng.value) place(parseFloat(lat.value), parseFloat(lng.value));
    if (navigator.geolocation && button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.geolocation.getCurrentPosition(function (pos) {
          place(pos.coords.latitude, pos.coords.longitude);
          pmap.setView([pos.coords.latitude, pos.coords.longitude], 15);
        }, function (err) { located.textContent = err.message; }, { enableHighAccuracy: true, timeout: 10000 });
      });
    }
  }

  // ---- the hotline desk: find a category by words or pinyin initials, a place by grid or community -----
  // As the call-taker types, ask the API (an answer to an older query is dropped) and list the rows ``rows(data)``
  // keeps as buttons; a tap chooses one.
  function searchBox(input, results, url, rows, choose) {
    var timer = null, asked = 0;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var text = input.value.trim(), mine = ++asked;
        if (!text) { results.replaceChildren(); return; }
        fetch(url(text), { credentials: "same-origin" }).then(function (r) { return r.ok ? r.json() : []; })
          .then(function (data) {
            if (mine !== asked) return;
            results.replaceChildren();
            rows(data).slice(0, 8).forEach(function (row) {
              var item = document.createElement("li"), button = document.createElement("button");
              button.type = "button"; button.className = "btn btn-quiet"; button.textContent = row.name;
              button.addEventListener("click", function () { choose(row); results.replaceChildren(); });
              item.append(button);
              results.append(item);
            });
          }).catch(function () {});
      }, 250);
    });
  }
  var categorySearch = document.getElementById("category-search");
  if (categorySearch) {
    var categorySelect = document.getElementById("id_category");
    searchBox(categorySearch, document.getElementById("category-matches"), function (text) {
      return categorySearch.dataset.url + "?" + new URLSearchParams({ search: text });
    }, function (data) {
      return data.filter(function (row) { return row.parent; });  // a case takes a subclass
    }, function (row) {
      categorySelect.value = row.code;
      categorySelect.dispatchEvent(new Event("change"));
      categorySearch.value = row.name;
    });
  }
  var placeSearch = document.getElementById("place-search");
  if (placeSearch && pickMap) {
    var address = document.getElementById("id_address");
    searchBox(placeSearch, document.getElementById("place-matches"), function (text) {
      return placeSearch.dataset.url + "?" + new URLSearchParams({ level: 3, search: text, page_size: 8 });
    }, function (data) { return data.results || []; }, function (row) {
      pickMap.dispatchEvent(new CustomEvent("place", { detail: { lat: row.centroid_lat, lng: row.centroid_lng } }));
      if (address && !address.value) address.value = row.name;
      placeSearch.value = row.name;
    });
  }

  // ---- the command-centre dashboard -----------------------------------------------------------
  var board = document.getElementById("dashboard");
  if (!board || !window.echarts) return;
  var trend = fitted(document.getElementById("trend-chart"));
  var ranking = fitted(document.getElementById("ranking-chart"));
  var dmap = blankMap(document.getElementById("dashboard-map")), gridLayer = null, latest = null;

  function colour(figures) {
    if (!figures || !figures.open) return "#d8f0de";
    if (figures.red) return "#c62828";
    return figures.open > 5 ? "#f0a202" : "#f6d365";
  }
  function shade() {
    if (!gridLayer || !latest) return;
    gridLayer.eachLayer(function (layer) {
      var f = latest.grids[layer.feature.properties.code];
      layer.setStyle({ fillColor: colour(f), fillOpacity: 0.7, color: "#fff", weight: 0.6 });
      layer.bindTooltip(board.dataset.iGridTip.replace("{name}", layer.feature.properties.name)
        .replace("{open}", f ? f.open : 0).replace("{red}", f ? f.red : 0));
    });
  }
  drawGrids(dmap, board.dataset.geojson, { weight: 0.6 }, function (f, layer) {
    layer.on("click", function () { window.location = board.dataset.gridUrl.replace("CODE", f.properties.code); });
  }).then(function (layer) { gridLayer = layer; shade(); });

  function set(path, value) {
    var el = board.querySelector('[data-figure="' + path + '"]');
    if (el) el.textContent = value === null ? "—" : value;
  }
  // The ranking's cells carry their column heading, as the server renders them (cards on a phone).
  var headings = Array.prototype.map.call(document.querySelectorAll("#ranking thead th"), function (th) {
    return th.textContent.trim();
  });
  function cell(tr, text, numeric) {
    var td = document.createElement("td");
    td.dataset.label = headings[tr.children.length] || "";
    if (numeric) td.className = "num";
    if (text !== null) td.textContent = text;
    tr.appendChild(td);
    return td;
  }
  function link(parent, href, text, className) {
    var a = document.createElement("a");
    a.href = href; a.textContent = text;
    if (className) a.className = className;
    parent.appendChild(a);
  }
  function rankingTable(rows) {
    var tbody = document.getElementById("ranking-rows");
    tbody.innerHTML = "";
    rows.forEach(function (row, index) {
      var tr = document.createElement("tr");
      cell(tr, index + 1);
      var name = cell(tr, null);
      link(name, "?street=" + row.code, row.name);
      name.appendChild(document.createTextNode(" "));
      link(name, board.dataset.gridUrl.replace("CODE", row.code), board.dataset.iGrids, "muted");
      [row.open, row.yellow, row.red, row.closed_30d].forEach(function (n) { cell(tr, n, true); });
      cell(tr, row.on_time_rate === null ? "—" : row.on_time_rate + "%", true);
      tbody.appendChild(tr);
    });
  }
  function list(id, rows) {
    var el = document.getElementById(id);
    el.innerHTML = "";
    if (!rows.length) {
      var none = document.createElement("li");
      none.className = "empty"; none.textContent = el.dataset.empty || "—";
      el.appendChild(none);
    }
    rows.forEach(function (row) {
      var li = document.createElement("li"), a = document.createElement("a");
      a.href = board.dataset.caseUrl.replace("NUMBER", row.number);
      a.textContent = row.number;
      li.appendChild(a);
      li.appendChild(document.createTextNode(" " + row.title + " · " + row.street + " "));
      if (row.due_at) {
        var t = document.createElement("time");
        t.className = "countdown"; t.dataset.due = row.due_at;
        li.appendChild(t);
      }
      el.appendChild(li);
    });
  }
  function render(data) {
    latest = data;
    ["open", "opened_today", "closed_today", "closed_30d"].forEach(function (k) { set(k, data[k]); });
    set("by_status.total", data.open);
    set("lights.yellow", data.lights.yellow);
    set("lights.red", data.lights.red);
    set("on_time_rate", data.on_time_rate === null ? null : data.on_time_rate + "%");
    ["response", "resolution", "satisfaction"].forEach(function (k) {
      var rate = data.three_rates[k];
      set("three_rates." + k, rate === null ? null : rate + "%");
    });
    ["plans", "behind", "stale"].forEach(function (k) { set("patrols." + k, data.patrols[k]); });
    Object.keys(data.by_status).forEach(function (k) { set("by_status." + k, data.by_status[k]); });
    Object.keys(data.by_tier).forEach(function (k) { set("by_tier." + k, data.by_tier[k]); });
    trend.setOption({
      tooltip: { trigger: "axis" }, legend: { data: [body.iOpened, body.iClosed] },
      xAxis: { type: "category", data: data.trend.days.map(function (d) { return d.slice(5); }) },
      yAxis: { type: "value" }, grid: { left: 40, right: 10, bottom: 30 },
      series: [{ name: body.iOpened, type: "line", data: data.trend.opened, smooth: true },
               { name: body.iClosed, type: "line", data: data.trend.closed, smooth: true }]
    });
    var rows = data.ranking.slice(0, 29);
    ranking.setOption({
      tooltip: { trigger: "axis" }, legend: { data: [body.iOpen, body.iOverdue] },
      xAxis: { type: "category", data: rows.map(function (r) { return r.name; }), axisLabel: { rotate: 40 } },
      yAxis: { type: "value" }, grid: { left: 40, right: 10, bottom: 90 },
      series: [{ name: body.iOpen, type: "bar", data: rows.map(function (r) { return r.open; }) },
               { name: body.iOverdue, type: "bar", data: rows.map(function (r) { return r.red; }), color: "#c62828" }]
    });
    ranking.off("click");
    ranking.on("click", function (p) { window.location = "?street=" + rows[p.dataIndex].code; });
    rankingTable(data.ranking);
    list("overdue-list", data.overdue);
    list("due-soon-list", data.due_soon);
    shade();
    tick();
    // The server's clock in Beijing time (TIME_ZONE), whatever the browser's time zone.
    document.getElementById("refreshed").textContent = data.refreshed_at;
  }
  function refresh() {
    fetch(board.dataset.url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(render);
  }
  refresh();
  setInterval(refresh, parseInt(board.dataset.refresh || "30000", 10));
})();
