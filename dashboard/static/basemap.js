// The offline basemap in the browser: geometry tiles drawn on canvas grid tiles, and place
// labels as DOM text, both in panes beneath the data (see dashboard/ui/basemap.py).
// Files come from dashboard/static/basemap/ (python -m dashboard build-basemap). No double
// braces in this file: folium's branca compiles the map script as a Jinja template.
window.nmBasemap = window.nmBasemap || (function () {
    "use strict";
    var STYLE = {
        land: "#f6f4ee", water: "#dbe7f0", coast: "#7f9bb0", border: "#8a7a8c",
        admin1: "#b7a7be", river: "#9ec1de"
    };
    var json = {};

    function load(url, prepare) {
        if (!json[url]) {
            json[url] = fetch(url).then(function (answer) {
                if (!answer.ok) { throw new Error(url + ": " + answer.status); }
                return answer.json();
            }).then(prepare || function (value) { return value; });
        }
        return json[url];
    }

    // A geometry tile's features projected once to Web Mercator's unit square (x east, y
    // south, 0-1), each with its box there, so a grid tile at any zoom only scales and
    // shifts, and draws only the features that reach it (a world tile holds the world).
    function projected(tile) {
        var out = {world: !tile.coast};
        Object.keys(tile).forEach(function (layer) {
            out[layer] = tile[layer].map(function (feature) {
                var rings = typeof feature[0] === "number" ? [feature] : feature;
                var box = [Infinity, Infinity, -Infinity, -Infinity];
                rings = rings.map(function (flat) {
                    var unit = new Float64Array(flat.length);
                    for (var i = 0; i < flat.length; i += 2) {
                        unit[i] = (flat[i] + 180) / 360;
                        unit[i + 1] = mercator(flat[i + 1]);
                    }
                    return unit;
                });
                var outer = rings[0];
                for (var i = 0; i < outer.length; i += 2) {
                    box[0] = Math.min(box[0], outer[i]);
                    box[2] = Math.max(box[2], outer[i]);
                    box[1] = Math.min(box[1], outer[i + 1]);
                    box[3] = Math.max(box[3], outer[i + 1]);
                }
                return {box: box, rings: rings};
            });
        });
        return out;
    }

    // view: [x0, y0, x1, y1] in the unit square.
    function within(features, view) {
        return (features || []).filter(function (f) {
            return f.box[0] <= view[2] && f.box[2] >= view[0] && f.box[1] <= view[3]
                && f.box[3] >= view[1];
        });
    }

    function panes(map) {
        [["nmBasemap", 150], ["nmLabels", 350]].forEach(function (pane) {
            if (!map.getPane(pane[0])) {
                var element = map.createPane(pane[0]);
                element.style.zIndex = pane[1];
                element.style.pointerEvents = "none";
            }
        });
    }

    // index: {bands: [[name, minZoom, maxZoom, cell]], cells: {band: ["x_y", ...]}}
    function bandFor(index, zoom) {
        var bands = index.bands, z = Math.round(zoom);
        for (var i = 0; i < bands.length; i++) {
            if (bands[i][1] <= z && z <= bands[i][2]) { return bands[i]; }
        }
        return z < bands[0][1] ? bands[0] : bands[bands.length - 1];
    }

    // The cells of a band that overlap a lon/lat box and exist in the index.
    function cellsFor(index, band, west, south, east, north) {
        var size = band[3], known = index.known[band[0]], out = [];
        var columns = Math.ceil(360 / size), rows = Math.ceil(180 / size);
        var x0 = Math.max(0, Math.floor((west + 180) / size));
        var x1 = Math.min(columns - 1, Math.floor((east + 180) / size));
        var y0 = Math.max(0, Math.floor((south + 90) / size));
        var y1 = Math.min(rows - 1, Math.floor((north + 90) / size));
        for (var x = x0; x <= x1; x++) {
            for (var y = y0; y <= y1; y++) {
                if (known[x + "_" + y]) { out.push(x + "_" + y); }
            }
        }
        return out;
    }

    function indexed(raw) {
        raw.known = {};
        Object.keys(raw.cells).forEach(function (band) {
            var set = raw.known[band] = {};
            raw.cells[band].forEach(function (cell) { set[cell] = true; });
        });
        return raw;
    }

    function mercator(lat) {
        var s = Math.sin(Math.max(-85.0511, Math.min(85.0511, lat)) * Math.PI / 180);
        return 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
    }

    // Trace one projected ring or line in tile pixels.
    function trace(ctx, unit, scale, ox, oy) {
        ctx.moveTo(unit[0] * scale - ox, unit[1] * scale - oy);
        for (var i = 2; i < unit.length; i += 2) {
            ctx.lineTo(unit[i] * scale - ox, unit[i + 1] * scale - oy);
        }
    }

    function fill(ctx, features, colour, scale, ox, oy, stroke) {
        if (!features.length) { return; }
        ctx.beginPath();
        features.forEach(function (f) {
            f.rings.forEach(function (ring) { trace(ctx, ring, scale, ox, oy); ctx.closePath(); });
        });
        ctx.fillStyle = colour;
        ctx.fill("evenodd");
        // A hairline of the same colour hides the seams where polygons were cut into cells.
        ctx.strokeStyle = stroke || colour;
        ctx.lineWidth = stroke ? 0.7 : 0.6;
        ctx.stroke();
    }

    function lines(ctx, features, colour, width, dash, scale, ox, oy) {
        if (!features.length) { return; }
        ctx.beginPath();
        features.forEach(function (f) { trace(ctx, f.rings[0], scale, ox, oy); });
        ctx.setLineDash(dash || []);
        ctx.strokeStyle = colour;
        ctx.lineWidth = width;
        ctx.stroke();
        ctx.setLineDash([]);
    }

    function draw(canvas, tiles, coords, size) {
        var ratio = window.devicePixelRatio || 1, ctx = canvas.getContext("2d");
        canvas.width = size.x * ratio;
        canvas.height = size.y * ratio;
        ctx.scale(ratio, ratio);
        ctx.lineJoin = ctx.lineCap = "round";
        var scale = size.x * Math.pow(2, coords.z), ox = coords.x * size.x, oy = coords.y * size.y;
        var pad = 4 / scale, wide = Math.max(0, coords.z - 5);
        var view = [ox / scale - pad, oy / scale - pad, (ox + size.x) / scale + pad,
                    (oy + size.y) / scale + pad];
        var part = function (t, layer) { return within(t[layer], view); };
        // A world tile carries no coast lines: its land and lake outlines are the coast.
        tiles.forEach(function (t) {
            fill(ctx, part(t, "land"), STYLE.land, scale, ox, oy, t.world ? STYLE.coast : null);
        });
        tiles.forEach(function (t) {
            fill(ctx, part(t, "lake"), STYLE.water, scale, ox, oy, t.world ? STYLE.coast : null);
        });
        tiles.forEach(function (t) {
            lines(ctx, part(t, "river"), STYLE.river, 0.7 + 0.25 * wide, null, scale, ox, oy);
        });
        // Faint while whole countries are in view: some have hundreds of units (Slovenia's
        // 200 municipalities would grey it out at zoom 5).
        ctx.globalAlpha = coords.z <= 5 ? 0.35 : coords.z === 6 ? 0.6 : 1;
        tiles.forEach(function (t) {
            lines(ctx, part(t, "admin1"), STYLE.admin1, 0.8 + 0.1 * wide, [4, 3], scale, ox, oy);
        });
        ctx.globalAlpha = 1;
        tiles.forEach(function (t) {
            lines(ctx, part(t, "coast"), STYLE.coast, 0.8, null, scale, ox, oy);
        });
        tiles.forEach(function (t) {
            lines(ctx, part(t, "border"), STYLE.border, 1.1 + 0.15 * wide, null, scale, ox, oy);
        });
    }

    var Geometry = L.GridLayer.extend({
        options: {pane: "nmBasemap", updateWhenZooming: false, keepBuffer: 1,
                  attribution: "", className: "nm-basemap"},
        initialize: function (url, options) {
            this._url = url;
            L.GridLayer.prototype.initialize.call(this, options);
        },
        onAdd: function (map) {
            panes(map);
            L.GridLayer.prototype.onAdd.call(this, map);
        },
        createTile: function (coords, done) {
            var canvas = L.DomUtil.create("canvas", "nm-basemap-tile");
            var size = this.getTileSize(), url = this._url, map = this._map;
            var nw = map.unproject([coords.x * size.x, coords.y * size.y], coords.z);
            var se = map.unproject([(coords.x + 1) * size.x, (coords.y + 1) * size.y], coords.z);
            load(url + "/geometry/index.json").then(function (raw) {
                var index = raw.known ? raw : indexed(raw), band = bandFor(index, coords.z);
                var cells = cellsFor(index, band, nw.lng, se.lat, se.lng, nw.lat);
                return Promise.all(cells.map(function (cell) {
                    return load(url + "/geometry/" + band[0] + "/" + cell + ".json", projected);
                }));
            }).then(function (tiles) {
                draw(canvas, tiles, coords, size);
                done(null, canvas);
            }, function (error) { done(error, canvas); });
            return canvas;
        }
    });

    // Place names as text in their own pane: placed biggest first, skipped where they would
    // overlap one already placed, redrawn after each move (hidden while zooming).
    var Labels = L.Layer.extend({
        options: {pane: "nmLabels"},
        initialize: function (url) { this._url = url; this._shown = []; },
        onAdd: function (map) {
            panes(map);
            this._box = L.DomUtil.create("div", "nm-labels", map.getPane(this.options.pane));
            map.on("moveend", this._update, this);
            map.on("zoomstart", this._hide, this);
            this._update();
        },
        onRemove: function (map) {
            map.off("moveend", this._update, this);
            map.off("zoomstart", this._hide, this);
            L.DomUtil.remove(this._box);
        },
        shown: function () { return this._shown.slice(); },
        _hide: function () { this._box.style.display = "none"; },
        _update: function () {
            var map = this._map, url = this._url, self = this;
            if (!map) { return; }
            var zoom = map.getZoom(), bounds = map.getBounds().pad(0.1);
            var ticket = this._ticket = {};
            load(url + "/labels/index.json").then(function (raw) {
                var index = raw.known ? raw : indexed(raw);
                var band = bandFor(index, zoom);
                var cells = cellsFor(index, band, bounds.getWest(), bounds.getSouth(),
                                     bounds.getEast(), bounds.getNorth());
                return Promise.all(cells.map(function (cell) {
                    return load(url + "/labels/" + band[0] + "/" + cell + ".json");
                }));
            }).then(function (tiles) {
                if (ticket === self._ticket && self._map) { self._render(tiles, zoom, bounds); }
                self._ticketDone = ticket;
            }, function () {
                self._ticketDone = ticket;  // no labels: the shapes still orient a reader
            });
        },
        _render: function (tiles, zoom, bounds) {
            var map = this._map, box = this._box, placed = [], shown = [];
            var items = [].concat.apply([], tiles).filter(function (l) {
                return l[3] <= zoom && zoom <= l[4] && bounds.contains([l[1], l[2]]);
            });
            items.sort(function (a, b) {
                return rank(a, zoom) - rank(b, zoom) || b[6] - a[6];
            });
            box.innerHTML = "";
            box.style.display = "";
            items.slice(0, 400).forEach(function (l) {
                var element = L.DomUtil.create("div", "nm-label nm-label-" + l[5], box);
                // The name was escaped by dashboard.ui.highlight when the tiles were written.
                element.innerHTML = "<span>" + l[0] + "</span>";
                var at = map.latLngToLayerPoint([l[1], l[2]]);
                L.DomUtil.setPosition(element, at);
                var span = element.firstChild.getBoundingClientRect();
                var box2 = {left: span.left - 2, right: span.right + 2, top: span.top - 1,
                            bottom: span.bottom + 1};
                if (placed.some(function (o) { return overlaps(o, box2); })) {
                    L.DomUtil.remove(element);
                    return;
                }
                placed.push(box2);
                shown.push(l[0]);
            });
            this._shown = shown;
        }
    });

    // Country names first on the world view, capitals first from zoom 4, then towns.
    function rank(label, zoom) {
        if (label[5] === "country") { return zoom <= 3 ? 0 : 1; }
        return label[5] === "capital" ? (zoom <= 3 ? 1 : 0) : 2;
    }

    function overlaps(a, b) {
        return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
    }

    return {Geometry: Geometry, Labels: Labels, panes: panes};
})();
