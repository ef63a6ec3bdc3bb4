/* SPDX-License-Identifier: BSD-2-Clause */
/* k8saudit-report: draws the page from the JSON in #k8a-data.  Every text
 * from the logs is set with textContent or as an attribute value, never
 * parsed as markup: no innerHTML, no href or src from data. */
(function () {
'use strict';
var SEV = ['info', 'low', 'medium', 'high', 'critical'];
var SVGNS = 'http://www.w3.org/2000/svg';
var PAGE = 200; /* rows added at a time */

function fail(msg) {
	var d = document.getElementById('k8a-error');
	if (!d) {
		d = document.createElement('div');
		d.id = 'k8a-error';
		d.setAttribute('role', 'alert');
		document.body.insertBefore(d, document.body.firstChild);
	}
	d.textContent = 'The report could not be drawn completely: ' + msg;
}
window.onerror = function (msg, src, line) { fail(String(msg) + ' (line ' + line + ')'); };

function el(tag, cls, text) {
	var e = document.createElement(tag);
	if (cls) e.className = cls;
	if (text !== undefined && text !== null) e.textContent = String(text);
	return e;
}
function sv(tag, attrs) {
	var e = document.createElementNS(SVGNS, tag), k;
	for (k in attrs) e.setAttribute(k, attrs[k]);
	return e;
}
function add(parent) {
	for (var i = 1; i < arguments.length; i++) if (arguments[i]) parent.appendChild(arguments[i]);
	return parent;
}
function ts(us) {
	if (us === null || us === undefined) return '-';
	us = Math.round(us);
	var d = new Date(Math.floor(us / 1000)), frac = String(((us % 1000000) + 1000000) % 1000000);
	while (frac.length < 6) frac = '0' + frac;
	return d.toISOString().slice(0, 19) + '.' + frac + 'Z';
}
function hms(us) { return us === null || us === undefined ? '-' : new Date(Math.floor(us / 1000)).toISOString().slice(11, 19); }
function sevBadge(s) { return el('span', 'sev sev-' + s, s >= 0 ? SEV[s] : 'none'); }
function kv(dl, k, v) {
	if (v === null || v === undefined || v === '' || (v.length === 0 && typeof v === 'object')) return;
	add(dl, el('dt', null, k));
	var dd = el('dd');
	if (v instanceof Node) dd.appendChild(v); else dd.textContent = Array.isArray(v) ? v.join(', ') : String(v);
	dl.appendChild(dd);
}
function fmtSrc(D, s) {
	if (!s) return '-';
	var p = s[0] >= 0 ? D.paths[s[0]] : '-';
	return p + (s[3] ? ':' + s[3] : '') + (s[1] !== null ? ':' + s[1] : '') + (s[2] !== null && s[2] >= 0 ? ' [' + s[2] + ']' : '');
}

var D;
try {
	D = JSON.parse(document.getElementById('k8a-data').textContent);
} catch (e) {
	fail('the data could not be read: ' + e.message);
	return;
}
var t0 = Date.now();
var A = D.actors, F = D.findings;
/* findings rows: [time, severity, rule, title, actor, ip, user agent,
 * what, source, event id, evidence] */
var TF = 0, SF = 1, RF = 2, TI = 3, AF = 4, IP = 5, UA = 6, WH = 7, SR = 8, EI = 9, EV = 10;
function actorName(i) { return i >= 0 && A[i] ? A[i].name : '-'; }
function ruleOf(f) { return D.rules[f[RF]] || { id: '?' }; }
function titleOf(f) { return f[TI] >= 0 ? D.titles[f[TI]] : (ruleOf(f).title || ''); }
function markName(f) {
	return ts(f[TF]) + ' ' + SEV[f[SF]] + ' ' + ruleOf(f).id + ': ' + titleOf(f) + ' \u2014 ' + actorName(f[AF]) + (f[WH] ? ' \u2014 ' + f[WH] : '');
}

/* ---- 1. scope ---- */
function drawScope() {
	var s = D.scope, sec = document.getElementById('scope'), dl = el('dl', 'kv'), st = el('div', 'stats');
	document.getElementById('title').textContent = s.title || 'Incident report';
	var from = s.first, to = s.last;
	if (from === null || from === undefined) {
		F.forEach(function (f) { if (f[TF] !== null) { if (from == null || f[TF] < from) from = f[TF]; if (to == null || f[TF] > to) to = f[TF]; } });
	}
	document.getElementById('subtitle').textContent = 'From ' + ts(from) + ' to ' + ts(to);
	function stat(n, label) { add(st, add(el('div', 'stat'), el('b', null, n), el('span', 'muted', label))); }
	var worst = F.reduce(function (m, f) { return Math.max(m, f[SF]); }, -1);
	stat(F.length, 'findings');
	stat(F.filter(function (f) { return f[SF] >= 3; }).length, 'high or critical');
	stat(D.changes.length, 'RBAC changes');
	stat(D.exposures.length, 'exposure windows');
	stat(D.secrets.length, 'secrets to rotate');
	stat(A.filter(function (a) { return a.findings > 0; }).length, 'actors with findings');
	sec.appendChild(st);
	kv(dl, 'Worst severity', worst >= 0 ? sevBadge(worst) : 'no findings');
	kv(dl, 'Inputs', s.inputs);
	kv(dl, 'Results read', s.results);
	kv(dl, 'Time range', ts(from) + ' \u2013 ' + ts(to));
	if (s.records) kv(dl, 'Records', s.records.total + ' (' + s.records.kubernetes + ' Kubernetes audit, ' + s.records.cloudtrail + ' CloudTrail' + (s.records.other ? ', ' + s.records.other + ' other' : '') + ')');
	else kv(dl, 'Records', 'not counted (built from tool results)');
	kv(dl, 'AWS accounts', s.accounts);
	kv(dl, 'EKS clusters', s.clusters);
	kv(dl, 'Regions', s.regions);
	kv(dl, 'Rules loaded', s.rules_loaded === null ? 'not known' : s.rules_loaded);
	var o = s.options || {}, k;
	for (k in o) kv(dl, '--' + k, o[k]);
	if (s.findings_left_out) kv(dl, 'Left out', s.findings_left_out + ' least severe findings (over the limit of the page)');
	sec.appendChild(dl);
	if (s.trouble && s.trouble.length) {
		var ul = el('ul', 'danger');
		s.trouble.forEach(function (t) { ul.appendChild(el('li', null, t)); });
		add(sec, el('p', 'danger', 'Not everything was read cleanly:'), ul);
	}
}

/* ---- 2. timeline ---- */
var TL = { lanes: [], laneOf: {}, view: null, full: null, cur: null, marks: [] };
function laneList() {
	var used = {}, i;
	function use(a, t) { if (a >= 0) { used[a] = used[a] || { first: t }; if (t !== null && (used[a].first === null || t < used[a].first)) used[a].first = t; } }
	F.forEach(function (f) { use(f[AF], f[TF]); });
	D.changes.forEach(function (c) { use(c.actor, c.t); });
	D.exposures.forEach(function (w) { (w.requests || []).forEach(function (r) { use(r.actor, r.t); }); });
	var l = Object.keys(used).map(Number);
	l.sort(function (x, y) { return (A[y].severity - A[x].severity) || ((used[x].first || 0) - (used[y].first || 0)) || (x - y); });
	for (i = 0; i < l.length; i++) TL.laneOf[l[i]] = i;
	return l;
}
function drawTimeline() {
	TL.lanes = laneList();
	var lo = null, hi = null;
	function span(t) { if (t === null || t === undefined) return; if (lo === null || t < lo) lo = t; if (hi === null || t > hi) hi = t; }
	F.forEach(function (f) { span(f[TF]); });
	D.changes.forEach(function (c) { span(c.t); });
	D.exposures.forEach(function (w) { span(w.start); span(w.end); });
	if (lo === null) { document.getElementById('timeline-wrap').appendChild(el('p', 'muted', 'Nothing to draw.')); return; }
	var pad = Math.max((hi - lo) * 0.02, 30e6);
	TL.full = [lo - pad, hi + pad];
	TL.view = TL.full.slice();
	/* every mark, in time order, for the keyboard */
	F.forEach(function (f, i) { if (f[TF] !== null) TL.marks.push({ t: f[TF], lane: TL.laneOf[f[AF]], kind: 'f', i: i }); });
	D.changes.forEach(function (c, i) { if (c.t !== null) TL.marks.push({ t: c.t, lane: TL.laneOf[c.actor], kind: 'c', i: i }); });
	TL.marks.sort(function (a, b) { return a.t - b.t; });
	var svg = document.getElementById('timeline');
	svg.addEventListener('keydown', tlKey);
	var drag = null;
	svg.addEventListener('mousedown', function (e) { var x = svgX(e); if (x >= TL.left) drag = { x0: x, x1: x }; });
	svg.addEventListener('mousemove', function (e) { if (drag) { drag.x1 = svgX(e); drawBrush(drag); } });
	window.addEventListener('mouseup', function () {
		if (!drag) return;
		var a = Math.min(drag.x0, drag.x1), b = Math.max(drag.x0, drag.x1);
		drag = null;
		if (b - a > 4) setView(xToT(a), xToT(b)); else renderTimeline();
	});
	svg.addEventListener('dblclick', function () { setView(TL.full[0], TL.full[1]); });
	document.getElementById('tl-reset').addEventListener('click', function () { setView(TL.full[0], TL.full[1]); });
	renderTimeline();
}
function svgX(e) { var r = document.getElementById('timeline').getBoundingClientRect(); return (e.clientX - r.left) * (TL.width / r.width); }
function xToT(x) { return TL.view[0] + (x - TL.left) / (TL.width - TL.left - 10) * (TL.view[1] - TL.view[0]); }
function tToX(t) { return TL.left + (t - TL.view[0]) / (TL.view[1] - TL.view[0]) * (TL.width - TL.left - 10); }
function setView(a, b) {
	if (b - a < 1e6) { var m = (a + b) / 2; a = m - 5e5; b = m + 5e5; }
	TL.view = [a, b];
	renderTimeline();
}
function drawBrush(d) {
	var svg = document.getElementById('timeline'), b = svg.querySelector('.brush');
	if (!b) { b = sv('rect', { 'class': 'brush', y: 0, height: TL.height }); svg.appendChild(b); }
	b.setAttribute('x', Math.min(d.x0, d.x1));
	b.setAttribute('width', Math.abs(d.x1 - d.x0));
}
function renderTimeline() {
	var svg = document.getElementById('timeline'), LH = 22, top = 24, i;
	TL.width = 1200; TL.left = 250;
	TL.height = top + TL.lanes.length * LH + 6;
	while (svg.firstChild) svg.removeChild(svg.firstChild);
	svg.setAttribute('viewBox', '0 0 ' + TL.width + ' ' + TL.height);
	svg.setAttribute('height', TL.height);
	var g = sv('g', {});
	TL.lanes.forEach(function (a, k) {
		var y = top + k * LH;
		g.appendChild(sv('rect', { 'class': 'lane-bg' + (k % 2 ? ' alt' : ''), x: 0, y: y, width: TL.width, height: LH }));
		var lab = sv('text', { 'class': 'lane-label', x: 6, y: y + 15 }), nm = A[a].name;
		lab.textContent = nm.length > 38 ? '\u2026' + nm.slice(-37) : nm;
		var tt = sv('title', {}); tt.textContent = A[a].name + ' (' + A[a].kind + ')';
		lab.appendChild(tt);
		g.appendChild(lab);
	});
	svg.appendChild(g);
	/* the axis: about eight ticks at round steps */
	var steps = [1e6, 5e6, 15e6, 60e6, 300e6, 900e6, 3600e6, 6 * 3600e6, 86400e6, 7 * 86400e6], span = TL.view[1] - TL.view[0], st = steps[steps.length - 1];
	for (i = 0; i < steps.length; i++) if (span / steps[i] <= 10) { st = steps[i]; break; }
	for (var t = Math.ceil(TL.view[0] / st) * st; t <= TL.view[1]; t += st) {
		var x = tToX(t);
		svg.appendChild(sv('line', { 'class': 'grid', x1: x, x2: x, y1: top - 4, y2: TL.height }));
		var lt = sv('text', { 'class': 'axis', x: x + 2, y: 14 });
		lt.textContent = st < 86400e6 ? hms(t) : ts(t).slice(0, 10);
		svg.appendChild(lt);
	}
	/* exposure windows: bands over every lane, and the requests in them */
	D.exposures.forEach(function (w) {
		var a = w.start === null ? TL.view[0] : w.start, b = w.end === null ? TL.view[1] : w.end;
		if (b < TL.view[0] || a > TL.view[1]) return;
		var x0 = Math.max(tToX(a), TL.left), x1 = Math.min(tToX(b), TL.width - 10);
		var r = sv('rect', { 'class': 'band', x: x0, y: top, width: Math.max(x1 - x0, 2), height: TL.height - top - 2,
			'data-binding': w.binding || '', 'data-start': ts(w.start), 'data-end': ts(w.end) });
		var tt = sv('title', {});
		tt.textContent = 'Exposure: ' + (w.subject || '') + ' bound to ' + (w.role || '') + ' by ' + (w.binding || '') + ', ' + ts(w.start) + ' \u2013 ' + (w.end === null ? 'still open' : ts(w.end));
		r.appendChild(tt);
		svg.appendChild(r);
		var bl = sv('text', { 'class': 'band-label', x: x0 + 3, y: TL.height - 6 });
		bl.textContent = (w.subject || '') + ' \u2192 ' + (w.role || '') + ' ' + hms(w.start) + '\u2013' + hms(w.end);
		svg.appendChild(bl);
		(w.requests || []).forEach(function (q) {
			if (q.t === null || q.t < TL.view[0] || q.t > TL.view[1] || TL.laneOf[q.actor] === undefined) return;
			var x = tToX(q.t), y = top + TL.laneOf[q.actor] * LH;
			var l = sv('line', { 'class': 'req', x1: x, x2: x, y1: y + 2, y2: y + 6 });
			var t2 = sv('title', {}); t2.textContent = 'Request in the window: ' + ts(q.t) + ' ' + (q.verb || '') + ' ' + (q.target || '') + ' ' + (q.code || '');
			l.appendChild(t2);
			svg.appendChild(l);
		});
	});
	/* RBAC changes: diamonds */
	D.changes.forEach(function (c, i) {
		if (c.t === null || c.t < TL.view[0] || c.t > TL.view[1]) return;
		var x = tToX(c.t), y = top + TL.laneOf[c.actor] * LH + 11;
		var p = sv('path', { 'class': 'change', d: 'M' + x + ' ' + (y - 7) + 'l7 7l-7 7l-7 -7z', 'data-change': i });
		var tt = sv('title', {});
		tt.textContent = ts(c.t) + ' RBAC ' + (c.verb || '') + ' ' + (c.kind || '') + ' ' + (c.namespace ? c.namespace + '/' : '') + (c.name || '') + ' by ' + actorName(c.actor) + ' ' + (c.changes || []).join(' ');
		p.appendChild(tt);
		svg.appendChild(p);
	});
	/* findings: circles, the most severe drawn last (on top) */
	var order = [];
	F.forEach(function (f, i) { if (f[TF] !== null && f[TF] >= TL.view[0] && f[TF] <= TL.view[1]) order.push(i); });
	order.sort(function (x, y) { return F[x][SF] - F[y][SF] || x - y; });
	var frag = document.createDocumentFragment();
	order.forEach(function (i) {
		var f = F[i], c = sv('circle', { 'class': 'mark s' + f[SF], cx: tToX(f[TF]).toFixed(1), cy: top + TL.laneOf[f[AF]] * LH + 11, r: 3 + f[SF] * 0.7, 'data-finding': i });
		var tt = sv('title', {}); tt.textContent = markName(f);
		c.appendChild(tt);
		frag.appendChild(c);
	});
	svg.appendChild(frag);
	svg.setAttribute('data-marks', order.length);
	document.getElementById('tl-range').textContent = ts(TL.view[0]) + ' \u2013 ' + ts(TL.view[1]);
	if (TL.cur !== null) drawCursor();
}
function drawCursor() {
	var m = TL.marks[TL.cur], svg = document.getElementById('timeline'), old = svg.querySelector('.cursor');
	if (old) old.parentNode.removeChild(old);
	if (!m) return;
	if (m.t < TL.view[0] || m.t > TL.view[1]) { var w = TL.view[1] - TL.view[0]; TL.view = [m.t - w / 2, m.t + w / 2]; renderTimeline(); return; }
	svg.appendChild(sv('circle', { 'class': 'cursor', cx: tToX(m.t), cy: 24 + m.lane * 22 + 11, r: 9 }));
	var name = m.kind === 'f' ? markName(F[m.i]) : 'RBAC change: ' + ts(D.changes[m.i].t) + ' ' + D.changes[m.i].verb + ' ' + D.changes[m.i].kind + ' ' + (D.changes[m.i].name || '') + ' by ' + actorName(D.changes[m.i].actor);
	document.getElementById('tl-status').textContent = name;
}
function tlKey(e) {
	var w = TL.view[1] - TL.view[0], c = (TL.view[0] + TL.view[1]) / 2, k = e.key, n = TL.marks.length;
	if (k === '+' || k === '=') setView(c - w / 4, c + w / 4);
	else if (k === '-') setView(c - w, c + w);
	else if (k === '0' || k === 'Home') setView(TL.full[0], TL.full[1]);
	else if (e.shiftKey && k === 'ArrowLeft') setView(TL.view[0] - w / 4, TL.view[1] - w / 4);
	else if (e.shiftKey && k === 'ArrowRight') setView(TL.view[0] + w / 4, TL.view[1] + w / 4);
	else if ((k === 'ArrowRight' || k === 'ArrowLeft') && n) {
		TL.cur = TL.cur === null ? 0 : Math.max(0, Math.min(n - 1, TL.cur + (k === 'ArrowRight' ? 1 : -1)));
		drawCursor();
	} else if ((k === 'ArrowDown' || k === 'ArrowUp') && n) {
		var lane = TL.cur === null ? -1 : TL.marks[TL.cur].lane, d = k === 'ArrowDown' ? 1 : -1, best = null, l;
		for (l = lane + d; l >= 0 && l < TL.lanes.length && best === null; l += d)
			TL.marks.forEach(function (m, j) { if (m.lane === l && (best === null || Math.abs(m.t - c) < Math.abs(TL.marks[best].t - c))) best = j; });
		if (best !== null) { TL.cur = best; drawCursor(); }
	} else if (k === 'Enter' && TL.cur !== null && TL.marks[TL.cur].kind === 'f') showFinding(TL.marks[TL.cur].i);
	else return;
	e.preventDefault();
}

/* ---- 3. actors ---- */
function chainList(chain) {
	var ul = el('ul', 'chain');
	chain.forEach(function (c) {
		var li = el('li', 'mono'), s;
		if (c.event) {
			s = c.access_key + ' \u2190 ' + c.event + (c.role_arn ? ' ' + c.role_arn : '') + (c.session ? ' (session ' + c.session + ')' : '') +
				' at ' + (c.time || '-') + (c.source_ip ? ' from ' + c.source_ip : '') +
				(c.caller_access_key ? ', called with ' + c.caller_access_key : '') + (c.caller_arn ? ' by ' + c.caller_arn : '');
		} else {
			s = c.access_key + (c.long_term ? ' (long-term key)' : '') + ': ' + (c.how || c.type || '') + (c.principal ? ' ' + c.principal : '');
		}
		li.textContent = s;
		ul.appendChild(li);
	});
	return ul;
}
function drawActors() {
	var sec = document.getElementById('actors'), list = A.map(function (a, i) { return i; });
	list = list.filter(function (i) { return A[i].findings > 0 || D.changes.some(function (c) { return c.actor === i; }); });
	list.sort(function (x, y) { return (A[y].severity - A[x].severity) || (A[y].findings - A[x].findings) || (x - y); });
	var shown = 0;
	function more() {
		var end = Math.min(list.length, shown + 50);
		for (; shown < end; shown++) sec.insertBefore(actorCard(list[shown]), btn);
		if (shown >= list.length) btn.hidden = true;
		else btn.textContent = 'Show more actors (' + (list.length - shown) + ' left)';
	}
	var btn = el('button', 'noprint');
	btn.addEventListener('click', more);
	sec.appendChild(btn);
	if (!list.length) sec.insertBefore(el('p', 'muted', 'No actor has findings or made RBAC changes.'), btn);
	more();
}
function actorCard(i) {
	var a = A[i], card = el('div', 'card sev-b' + a.severity), dl = el('dl', 'kv'), k;
	card.setAttribute('data-actor', i);
	add(card, add(el('h3'), sevBadge(a.severity), document.createTextNode(' ' + a.name)));
	kv(dl, 'Kind', a.kind + (a.type ? ' (' + a.type + ')' : ''));
	kv(dl, 'ARN', a.arn);
	kv(dl, 'Role or user behind it', a.canonical_arn);
	kv(dl, 'Account', a.account);
	kv(dl, 'Access keys', a.keys);
	var chains = Object.keys(a.chains || {});
	if (chains.length) {
		var box = el('div', 'identity-chain');
		chains.forEach(function (key) { box.appendChild(chainList(a.chains[key])); });
		kv(dl, 'Identity chain', box);
	}
	kv(dl, 'Source addresses', a.ips);
	if (a.user_agents.length) {
		var ul = el('ul', 'wrap');
		a.user_agents.forEach(function (u) { ul.appendChild(el('li', 'mono long', u)); });
		kv(dl, 'User agents', ul);
	}
	kv(dl, 'First seen', ts(a.first));
	kv(dl, 'Last seen', ts(a.last));
	if (a.more) kv(dl, 'Note', 'more values than listed');
	card.appendChild(dl);
	var rules = Object.keys(a.rules);
	if (rules.length) {
		var tb = el('table'), tr = el('tr');
		add(tr, el('th', null, 'Rule'), el('th', null, 'Title'), el('th', null, 'ATT&CK'), el('th', null, 'Findings'));
		tb.appendChild(tr);
		rules.sort(function (x, y) { return a.rules[y] - a.rules[x] || (x < y ? -1 : 1); });
		for (k = 0; k < rules.length; k++) {
			var r = D.rules.filter(function (q) { return q.id === rules[k]; })[0] || {};
			var tech = el('td');
			(r.mitre || []).forEach(function (t) { tech.appendChild(el('div', null, t[0] + (t[1] ? ' ' + t[1] : ''))); });
			add(tb, add(el('tr'), el('td', 'mono', rules[k]), el('td', null, r.title || ''), tech, el('td', null, a.rules[rules[k]])));
		}
		card.appendChild(tb);
	}
	return card;
}

/* ---- 4. RBAC history ---- */
function drawChanges() {
	var sec = document.getElementById('rbac');
	if (!D.changes.length) { sec.appendChild(el('p', 'muted', 'No RBAC changes.')); return; }
	var tb = el('table'), tr = el('tr');
	['Time', 'Change', 'Object', 'Who', 'From', 'Credentials', 'Result'].forEach(function (h) { tr.appendChild(el('th', null, h)); });
	tb.appendChild(tr);
	D.changes.forEach(function (c, i) {
		var row = el('tr'), ch = el('td'), dang = {};
		row.setAttribute('data-change', i);
		(c.dangerous || []).forEach(function (d) { dang[d.change] = d.why; });
		(c.changes || []).forEach(function (x) {
			var d = el('div', dang[x] ? 'mono danger' : 'mono', x + (dang[x] ? '  (' + dang[x] + ')' : ''));
			ch.appendChild(d);
		});
		var who = el('td', 'wrap', actorName(c.actor)), from = el('td', 'wrap');
		add(from, el('div', 'mono', c.source_ip || '-'), el('div', 'muted long', c.ua >= 0 ? D.user_agents[c.ua] : ''));
		var cred = el('td', 'wrap'), key = c.actor >= 0 && A[c.actor] ? null : null;
		if (c.identity_chain) cred.appendChild(chainList(c.identity_chain));
		else cred.textContent = key || (A[c.actor] && A[c.actor].keys.length ? A[c.actor].keys.join(', ') : '-');
		add(row, el('td', 't', ts(c.t)), ch, el('td', 'wrap', (c.kind || '') + ' ' + (c.namespace ? c.namespace + '/' : '') + (c.name || '')),
			who, from, cred, el('td', null, (c.verb || '') + ' ' + (c.code !== undefined ? c.code : '')));
		tb.appendChild(row);
		var er = el('tr', 'ev'), td = el('td'), det = el('details');
		td.colSpan = 7;
		add(det, el('summary', null, 'Before and after, source'));
		add(det, el('div', 'muted', 'Before'), el('pre', null, c.before ? JSON.stringify(c.before, null, 2) : '(none)'),
			el('div', 'muted', 'After'), el('pre', null, c.after ? JSON.stringify(c.after, null, 2) : '(none)'),
			el('div', 'mono', fmtSrc(D, c.src) + '  event ' + (c.event_id || '-')));
		td.appendChild(det);
		er.appendChild(td);
		tb.appendChild(er);
	});
	sec.appendChild(tb);
	D.exposures.forEach(function (w) {
		var p = el('div', 'card sev-b4 exposure'), dl = el('dl', 'kv');
		add(p, el('h3', null, 'Exposure window: ' + (w.subject || '') + ' bound to ' + (w.role || '')));
		kv(dl, 'Binding', w.binding);
		kv(dl, 'Open', ts(w.start) + ' \u2013 ' + (w.end === null ? 'still open at the end of the logs' : ts(w.end)));
		kv(dl, 'Opened by', w.opened_by !== undefined ? actorName(w.opened_by) : '-');
		kv(dl, 'Closed by', w.closed_by !== undefined ? actorName(w.closed_by) : '-');
		kv(dl, 'Why dangerous', w.dangerous);
		var ok = (w.requests || []).filter(function (q) { return typeof q.code === 'number' && q.code < 300; }).length;
		kv(dl, 'Requests inside', (w.requests || []).length + (w.requests_cut ? ' listed of ' + w.requests_cut : '') + ' (' + ok + ' succeeded)');
		p.appendChild(dl);
		if ((w.requests || []).length) {
			var tb2 = el('table');
			add(tb2, add(el('tr'), el('th', null, 'Time'), el('th', null, 'Who'), el('th', null, 'Request'), el('th', null, 'Code'), el('th', null, 'From')));
			w.requests.forEach(function (q) {
				add(tb2, add(el('tr'), el('td', 't', ts(q.t)), el('td', 'wrap', actorName(q.actor)), el('td', 'wrap mono', (q.verb || '') + ' ' + (q.target || '')),
					el('td', null, q.code !== undefined ? q.code : ''), el('td', 'mono', q.ip || '')));
			});
			p.appendChild(tb2);
		}
		sec.appendChild(p);
	});
}

/* ---- 5. secrets ---- */
function drawSecrets() {
	var sec = document.getElementById('secrets');
	if (!D.secrets.length) { sec.appendChild(el('p', 'muted', 'No secrets found in the logs (or secret-scan was not run).')); return; }
	var tb = el('table'), tr = el('tr');
	['Type', 'Preview', 'Fingerprint', 'Seen', 'Where'].forEach(function (h) { tr.appendChild(el('th', null, h)); });
	tb.appendChild(tr);
	D.secrets.forEach(function (s) {
		var where = el('td', 'wrap');
		(s.places || []).forEach(function (p) {
			where.appendChild(el('div', 'mono', ts(p.t) + ' ' + (p.pointer || '') + ' \u2014 ' + actorName(p.actor) + ' \u2014 ' + fmtSrc(D, p.src)));
		});
		if (s.n > (s.places || []).length) where.appendChild(el('div', 'muted', (s.n - s.places.length) + ' more'));
		var type = el('td', 'wrap', s.type + (s.confidence ? ' (' + s.confidence + ')' : ''));
		if (s.enrichment) { var k; for (k in s.enrichment) type.appendChild(el('div', 'muted mono', k + ': ' + s.enrichment[k])); }
		var fp = el('td', 'mono', (s.fingerprint || '').slice(0, 16) + '\u2026');
		fp.title = s.fingerprint || '';
		add(tb, add(el('tr'), type, el('td', 'mono wrap', s.preview || ''), fp, el('td', 't', s.n + '\u00d7, ' + hms(s.first) + '\u2013' + hms(s.last)), where));
	});
	sec.appendChild(tb);
}

/* ---- 6. every finding ---- */
var FL = { rows: [], shown: 0 };
function option(sel, value, text) { var o = el('option', null, text); o.value = value; sel.appendChild(o); }
function drawFindings() {
	var sec = document.getElementById('findings'), bar = el('div', 'filters'), i;
	var fsev = el('select'), frule = el('select'), factor = el('select'), ffrom = el('input'), fto = el('input');
	fsev.id = 'f-sev'; frule.id = 'f-rule'; factor.id = 'f-actor'; ffrom.id = 'f-from'; fto.id = 'f-to';
	SEV.forEach(function (s, k) { option(fsev, k, s + ' and above'); });
	option(frule, '', 'any rule');
	var rc = {};
	F.forEach(function (f) { rc[f[RF]] = (rc[f[RF]] || 0) + 1; });
	Object.keys(rc).map(Number).sort(function (x, y) { return D.rules[x].id < D.rules[y].id ? -1 : 1; }).forEach(function (r) { option(frule, r, D.rules[r].id + ' (' + rc[r] + ')'); });
	option(factor, '', 'any actor');
	var ac = {};
	F.forEach(function (f) { ac[f[AF]] = (ac[f[AF]] || 0) + 1; });
	Object.keys(ac).map(Number).sort(function (x, y) { return ac[y] - ac[x] || x - y; }).forEach(function (a) { option(factor, a, actorName(a) + ' (' + ac[a] + ')'); });
	ffrom.placeholder = ffrom.title = 'from (RFC 3339)'; fto.placeholder = fto.title = 'to (RFC 3339)';
	[['Severity', fsev], ['Rule', frule], ['Actor', factor], ['From', ffrom], ['To', fto]].forEach(function (p) {
		add(bar, add(el('label', null, p[0]), p[1]));
		p[1].addEventListener('change', apply);
	});
	var count = el('span', 'muted');
	count.id = 'f-count';
	bar.appendChild(count);
	sec.appendChild(bar);
	var tb = el('table'), tr = el('tr');
	tb.id = 'f-table';
	['Time', 'Severity', 'Rule', 'Title', 'Actor', 'From', 'What'].forEach(function (h) { tr.appendChild(el('th', null, h)); });
	tb.appendChild(tr);
	sec.appendChild(tb);
	var btn = el('button', 'noprint');
	btn.id = 'f-more';
	btn.addEventListener('click', function () { page(); });
	sec.appendChild(btn);
	function when(s) { var t = Date.parse(s); return isNaN(t) ? null : t * 1000; }
	function apply() {
		var ms = Number(fsev.value), r = frule.value === '' ? null : Number(frule.value), a = factor.value === '' ? null : Number(factor.value);
		var lo = when(ffrom.value), hi = when(fto.value);
		FL.rows = [];
		for (i = 0; i < F.length; i++) {
			var f = F[i];
			if (f[SF] < ms || (r !== null && f[RF] !== r) || (a !== null && f[AF] !== a)) continue;
			if ((lo !== null && (f[TF] === null || f[TF] < lo)) || (hi !== null && (f[TF] === null || f[TF] >= hi))) continue;
			FL.rows.push(i);
		}
		while (tb.rows.length > 1) tb.deleteRow(1);
		FL.shown = 0;
		page();
	}
	FL.apply = apply;
	function page() {
		var end = Math.min(FL.rows.length, FL.shown + PAGE), frag = document.createDocumentFragment();
		for (; FL.shown < end; FL.shown++) frag.appendChild(findingRow(FL.rows[FL.shown]));
		tb.appendChild(frag);
		count.textContent = FL.rows.length + ' of ' + F.length + ' findings, ' + FL.shown + ' shown';
		btn.hidden = FL.shown >= FL.rows.length;
		btn.textContent = 'Show ' + Math.min(PAGE, FL.rows.length - FL.shown) + ' more';
	}
	FL.page = page;
	apply();
}
function findingRow(i) {
	var f = F[i], tr = el('tr'), r = ruleOf(f);
	tr.id = 'finding-' + i;
	tr.setAttribute('data-finding', i);
	var det = el('details'), sum = el('summary', null, titleOf(f));
	det.appendChild(sum);
	det.addEventListener('toggle', function () { if (det.open && det.childNodes.length === 1) det.appendChild(findingDetail(f, r)); }, false);
	var td = el('td', 'wrap');
	td.appendChild(det);
	add(tr, el('td', 't', ts(f[TF])), add(el('td'), sevBadge(f[SF])), el('td', 'mono', r.id), td, el('td', 'wrap', actorName(f[AF])),
		el('td', 'mono', f[IP] || ''), el('td', 'wrap mono long', f[WH] || ''));
	return tr;
}
function findingDetail(f, r) {
	var box = el('div'), dl = el('dl', 'kv');
	kv(dl, 'Rule', r.id + (r.title ? ' \u2014 ' + r.title : ''));
	if (r.mitre && r.mitre.length) {
		var m = el('div');
		r.mitre.forEach(function (t) { m.appendChild(el('div', null, t[0] + (t[1] ? ' ' + t[1] : ''))); });
		kv(dl, 'MITRE ATT&CK', m);
	}
	kv(dl, 'GuardDuty type', r.guardduty);
	kv(dl, 'User agent', f[UA] >= 0 ? D.user_agents[f[UA]] : null);
	kv(dl, 'Source', fmtSrc(D, f[SR]));
	kv(dl, 'Event id', f[EI]);
	box.appendChild(dl);
	if (f[EV]) add(box, el('div', 'muted', 'Evidence'), el('pre', null, JSON.stringify(f[EV], null, 2)));
	return box;
}
function showFinding(i) {
	var row = document.getElementById('finding-' + i);
	if (!row) {
		document.getElementById('f-sev').value = '0'; document.getElementById('f-rule').value = '';
		document.getElementById('f-actor').value = ''; document.getElementById('f-from').value = ''; document.getElementById('f-to').value = '';
		FL.apply();
		while (!(row = document.getElementById('finding-' + i)) && FL.shown < FL.rows.length) FL.page();
	}
	if (!row) return;
	var d = row.querySelector('details');
	d.open = true;
	d.querySelector('summary').focus();
	row.scrollIntoView({ block: 'center' });
}

[drawScope, drawTimeline, drawActors, drawChanges, drawSecrets, drawFindings].forEach(function (f) {
	try { f(); } catch (e) { fail(f.name + ': ' + e.message); }
});
document.body.setAttribute('data-rendered', 'yes');
document.body.setAttribute('data-render-ms', String(Date.now() - t0));
})();
