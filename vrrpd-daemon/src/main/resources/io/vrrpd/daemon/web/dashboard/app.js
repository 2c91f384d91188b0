// vrrpd dashboard: one page that shows the whole cluster, polled from this host's REST API (docs/WEB.md,
// "Dashboard"). Vanilla JS, no build step. The page never builds markup from strings: every node is made with
// createElement and text goes in as textContent, so names, reasons and status texts from the daemon cannot
// inject markup. cgi panels are the one place HTML from a service type is shown: in a sandboxed iframe.
'use strict';

const POLL_MS = 1000;          // the "<= 1 s polling"
const FAST_POLL_MS = 250;      // for a few seconds after an action, to show its effect (a failover) at once
const FAST_FOR_MS = 3000;
const FETCH_TIMEOUT_MS = 3000; // a hung request must not stop the polling loop
const TIMELINE_MAX = 200;
const TOKEN_KEY = 'vrrpd.token';

const page = {
  token: sessionStorage.getItem(TOKEN_KEY) || '',
  seen: new Map(),        // "node/router" -> {state, transitions}
  timeline: [],           // newest first: {at, node, router, group, from, to, reason, reported}
  localNode: null,        // the member serving this page (its entry in /api/v1/cluster/routers says self)
  services: new Map(),    // name -> card elements kept across polls (the cgi panel must survive a refresh)
  fastUntil: 0,           // Date.now() until which the page polls every FAST_POLL_MS
};

// ---------------------------------------------------------------- DOM helpers

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// The tables are rebuilt on every poll; a button the operator has focused (keyboard) gets its focus back.
function keepingFocus(render) {
  const focused = document.activeElement && document.activeElement.dataset
    ? document.activeElement.dataset.key : null;
  render();
  if (focused) {
    const again = document.querySelector('[data-key="' + CSS.escape(focused) + '"]');
    if (again && again !== document.activeElement) again.focus();
  }
}

function $(id) {
  return document.getElementById(id);
}

function dash(value) {
  return value === null || value === undefined || value === '' ? '–' : String(value);
}

function table(caption, headers, rows) {
  return labelled(el('table', {class: 'stack'},
    el('caption', {class: 'visually-hidden', text: caption}),
    el('thead', {}, el('tr', {}, headers.map(h => el('th', {scope: 'col', text: h})))),
    el('tbody', {}, rows)), headers);
}

// Each cell gets its column's name, which narrow screens show before the value (the rows become cards there).
function labelled(tableEl, headers) {
  for (const row of tableEl.querySelectorAll('tbody tr')) {
    if (row.children.length !== headers.length) continue; // a group's heading row
    [...row.children].forEach((cell, i) => cell.setAttribute('data-label', headers[i]));
  }
  return tableEl;
}

function badge(text, kind) {
  return el('span', {class: 'badge ' + (kind || String(text).toLowerCase())}, dash(text));
}

function clock(date) {
  return date.toLocaleTimeString([], {hour12: false});
}

// ---------------------------------------------------------------- the API

class ApiError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

function authHeaders(extra) {
  const headers = Object.assign({}, extra || {});
  if (page.token) headers.Authorization = 'Bearer ' + page.token;
  return headers;
}

// One request; a refusal becomes an ApiError whose message is the problem's detail (RFC 9457).
async function request(method, path, options) {
  const opts = options || {};
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), FETCH_TIMEOUT_MS);
  try {
    const response = await fetch(path, {
      method,
      headers: authHeaders(opts.headers),
      body: opts.body,
      cache: 'no-store',
      credentials: 'omit', // bearer tokens only: no cookie is ever sent, so no request can be forged
      signal: controller.signal,
    });
    const text = await response.text();
    if (!response.ok) {
      let detail = response.status + ' ' + response.statusText;
      try {
        const problem = JSON.parse(text);
        if (problem && problem.detail) detail = problem.detail;
      } catch (e) { /* not a problem document: the status line says it */ }
      throw new ApiError(response.status, detail);
    }
    return opts.raw ? text : (text ? JSON.parse(text) : null);
  } catch (e) {
    if (e.name === 'AbortError') throw new ApiError(0, method + ' ' + path + ': no answer within '
      + FETCH_TIMEOUT_MS / 1000 + ' s');
    if (e instanceof ApiError) throw e;
    throw new ApiError(0, method + ' ' + path + ': ' + e.message);
  } finally {
    clearTimeout(timer);
  }
}

const api = {
  get: path => request('GET', path),
  post: (path, body) => request('POST', path, {
    headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body || {}),
  }),
};

const enc = encodeURIComponent;

// ---------------------------------------------------------------- the token

function showTokenState() {
  $('token-state').textContent = page.token ? 'token set for this tab' : 'no token: read-only';
  $('token-forget').disabled = !page.token;
}

function setupToken() {
  $('token-form').addEventListener('submit', event => {
    event.preventDefault();
    const value = $('token').value.trim();
    page.token = value;
    if (value) sessionStorage.setItem(TOKEN_KEY, value); else sessionStorage.removeItem(TOKEN_KEY);
    $('token').value = '';
    showTokenState();
    poll.now();
  });
  $('token-forget').addEventListener('click', () => {
    page.token = '';
    sessionStorage.removeItem(TOKEN_KEY);
    showTokenState();
    poll.now();
  });
  showTokenState();
}

// ---------------------------------------------------------------- notices and confirmation

function notice(text, kind) {
  const box = $('notice');
  box.textContent = text;
  box.className = 'notice ' + (kind || 'error');
  box.hidden = !text;
  clearTimeout(notice.timer);
  // A success fades after a while; a refusal stays until it is clicked or the next action.
  if (text && kind === 'ok') notice.timer = setTimeout(() => { box.hidden = true; }, 8000);
}

// Resolves true when the operator confirms in the modal <dialog>, false on Cancel or Escape.
function confirmAction(text) {
  const dialog = $('confirm');
  $('confirm-text').textContent = text;
  $('confirm-token').textContent = page.token ? 'Sent with this tab\'s token.'
    : 'No token is set: the daemon will refuse this unless it needs none.';
  return new Promise(resolve => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), {once: true});
    dialog.returnValue = '';
    dialog.showModal();
    $('confirm-cancel').focus();
  });
}

// Runs an admin verb after confirmation; shows the refusal's detail or the per-node results.
async function action(label, path, body) {
  if (!await confirmAction(label + '?')) return;
  try {
    const result = await api.post(path, body);
    const failed = Array.isArray(result && result.results)
      ? result.results.filter(r => r && r.ok === false) : [];
    if (failed.length) {
      notice(label + ': ' + failed.map(r => r.node + ': ' + r.detail).join('; '), 'error');
    } else {
      notice(label + ': done', 'ok');
    }
  } catch (e) {
    notice(label + ': refused: ' + e.message, 'error');
  }
  page.fastUntil = Date.now() + FAST_FOR_MS;
  poll.now();
}

// ---------------------------------------------------------------- cluster

function renderCluster(rows, error) {
  const body = $('cluster-body');
  if (error) {
    $('cluster-summary').textContent = error;
    body.replaceChildren();
    return;
  }
  const up = rows.filter(r => r.status === 'up');
  const coordinator = rows.find(r => r.role === 'coordinator');
  const quorum = up.length ? up[0].quorum : null;
  $('cluster-summary').replaceChildren(
    el('span', {}, up.length + ' of ' + rows.length + ' members up'), ' · ',
    el('span', {}, 'coordinator ', el('strong', {text: dash(coordinator && coordinator.node)})), ' · ',
    el('span', {}, 'quorum ', badge(dash(quorum), quorum === 'yes' ? 'good' : 'bad')));
  body.replaceChildren(table('Cluster members', ['Node', 'Address', 'Status', 'Role', 'View', 'Quorum'],
    rows.map(r => el('tr', {},
      el('th', {scope: 'row', text: dash(r.node)}),
      el('td', {text: dash(r.address)}),
      el('td', {}, badge(r.status, r.status === 'up' ? 'good' : 'bad')),
      el('td', {text: dash(r.role)}),
      el('td', {text: dash(r.view)}),
      el('td', {text: dash(r.quorum)})))));
}

// ---------------------------------------------------------------- routers

function groupKey(r) {
  return 'VRID ' + dash(r.vrid) + ' ' + dash(r.af); // a router file that does not load may not say its VRID
}

function secondsAgo(text) {
  const match = /^([0-9.]+)s$/.exec(text || '');
  return match ? parseFloat(match[1]) : null;
}

// Keeps the page's own timeline: a state that differs from the last poll's is a transition; on first sight the
// API's own last transition (prv_stat, stat_last, reason) is entered as "reported".
function track(node, r, now) {
  const key = node + '/' + r.name;
  const last = page.seen.get(key);
  if (!last) {
    const ago = secondsAgo(r.stat_last);
    if (r.prv_stat && ago !== null) {
      addTransition({at: new Date(now - ago * 1000), node, router: r.name, group: groupKey(r),
        from: r.prv_stat, to: r.state, reason: r.reason, reported: true});
    }
  } else if (last.state !== r.state) {
    addTransition({at: new Date(now), node, router: r.name, group: groupKey(r),
      from: last.state, to: r.state, reason: r.reason, reported: false});
  }
  page.seen.set(key, {state: r.state, transitions: r.transitions});
}

function addTransition(entry) {
  page.timeline.push(entry);
  page.timeline.sort((a, b) => b.at - a.at);
  page.timeline.length = Math.min(page.timeline.length, TIMELINE_MAX);
  renderTimeline();
}

function renderTimeline() {
  const list = $('timeline-list');
  if (!page.timeline.length) {
    list.replaceChildren(el('li', {class: 'muted', text: 'no transition seen yet'}));
    return;
  }
  list.replaceChildren(...page.timeline.map(t => el('li', {class: 'transition'},
    el('time', {datetime: t.at.toISOString(), text: clock(t.at)}), ' ',
    el('strong', {text: t.node}), ' ', t.router, ' (' + t.group + '): ',
    badge(t.from), ' → ', badge(t.to),
    t.reason ? el('span', {class: 'reason', text: ' ' + t.reason}) : null,
    t.reported ? el('span', {class: 'muted', text: ' (as reported by the daemon)'}) : null)));
}

function drops(r) {
  if (!r.drops) return 0;
  return Object.values(r.drops).reduce((sum, n) => sum + (Number(n) || 0), 0);
}

function dropTitle(r) {
  if (!r.drops) return null;
  const parts = Object.entries(r.drops).filter(([, n]) => n > 0).map(([k, n]) => k + ' ' + n);
  return parts.length ? parts.join(', ') : 'no drops';
}

function effective(r) {
  return r.eff_prio === undefined || r.eff_prio === null ? dash(r.prio) : String(r.eff_prio);
}

// The router verbs on every member's routers: another member's go with ?node=, and that member runs them itself (its
// own checks; a refusal comes back as its problem detail). The confirmation names the node.
// A router whose file does not load (file_error "FILE:LINE: message"): every verb on it is refused (409) until the file
// is fixed and vrrpd reloads it, so the row says that instead of offering buttons (Clear cannot make a file load).
function fileFix(node, r) {
  const at = /^(.*):([0-9]+): /.exec(r.file_error);
  const file = at ? at[1].slice(at[1].lastIndexOf('/') + 1) : 'the router file';
  return el('span', {class: 'file-fix', title: r.file_error},
    'Fix ', el('code', {text: file}), at ? ' line ' + at[2] : null, ' on ' + node + ', then ',
    el('code', {text: 'systemctl reload vrrpd'}), ' (SIGHUP)');
}

function routerActions(node, r) {
  if (r.file_error) return fileFix(node, r);
  const base = '/api/v1/routers/' + enc(r.name) + '/';
  const button = (verb, label) => el('button', {type: 'button', class: 'small', 'data-verb': verb,
    'data-key': 'router/' + node + '/' + r.name + '/' + verb, 'aria-label': label + ' router ' + r.name + ' on ' + node,
    onclick: () => action(label + ' router ' + r.name + ' on node ' + node
      + (node === page.localNode ? ' (this host)' : ''), base + verb + '?node=' + enc(node), {})}, label);
  return el('span', {class: 'actions'},
    r.admin === 'disabled' ? button('enable', 'Enable') : button('disable', 'Disable'),
    r.admin === 'maintenance' ? button('clear', 'Clear') : null);
}

function renderRouters(members) {
  const now = Date.now();
  const self = members.find(m => m.self === true);
  page.localNode = self ? self.node : null;
  $('where').textContent = page.localNode ? '· ' + page.localNode : '';
  const groups = new Map();
  const unreachable = [];
  for (const member of members) {
    if (member.ok === false) {
      unreachable.push(member.node + ': ' + dash(member.error));
      continue;
    }
    for (const r of member.routers || []) {
      track(member.node, r, now);
      const key = groupKey(r);
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push({node: member.node, r});
    }
  }
  let total = 0;
  let masters = 0;
  const bodies = [];
  for (const key of [...groups.keys()].sort((a, b) => a.localeCompare(b, undefined, {numeric: true}))) {
    const rows = groups.get(key).sort((a, b) => a.node.localeCompare(b.node));
    const master = rows.find(x => x.r.state === 'MASTER');
    const heard = rows.map(x => x.r.peer).find(p => p);
    const masterText = master ? master.node + ' (' + dash(master.r.primary_ip) + ')'
      : heard ? heard + ' (heard)' : 'none';
    total += rows.length;
    if (master) masters++;
    const addresses = [...new Set(rows.flatMap(x => x.r.virtual_ips || []))].join(', ');
    bodies.push(el('tbody', {'data-group': key},
      el('tr', {class: 'group'}, el('th', {scope: 'rowgroup', colspan: 10},
        key + ' · ' + dash(addresses) + ' · Master: ', el('strong', {class: 'group-master', text: masterText}))),
      rows.map(({node, r}) => el('tr', {'data-node': node, 'data-router': r.name, 'data-state': r.state},
        el('td', {text: node}),
        el('th', {scope: 'row', text: r.name}),
        el('td', {}, badge(r.state)),
        el('td', {}, badge(r.admin)),
        el('td', {class: 'num', title: 'configured / effective'}, dash(r.prio) + ' / ' + effective(r)),
        // The Master as this instance knows it: itself, or (a Backup) the sender of the advertisements it hears.
        el('td', {text: r.state === 'MASTER' ? dash(r.primary_ip) : r.state === 'BACKUP' ? dash(r.peer) : '–'}),
        el('td', {class: 'peer'}, r.peer ? [r.peer, el('br'), 'prio ' + dash(r.p_prio) + ' · ' + dash(r.p_intv)
          + ' ms · ' + dash(r.p_adv_last) + ' ago'] : '–'),
        el('td', {class: 'reason'}, dash(r.reason),
          r.prv_stat ? el('span', {class: 'muted'}, ' (from ' + r.prv_stat + ', ' + dash(r.stat_last) + ' ago)') : null),
        el('td', {class: 'counters'},
          el('span', {title: 'advertisements sent / received'}, 'adverts ' + dash(r.adv_sent) + ' / ' + dash(r.adv_rcvd)),
          el('br'),
          el('span', {title: dropTitle(r)}, 'transitions ' + dash(r.transitions) + ' · drops ' + drops(r))),
        el('td', {}, routerActions(node, r))))));
  }
  $('routers-summary').replaceChildren(total + ' router instances on ' + members.length + ' members, '
    + masters + ' of ' + groups.size + ' virtual routers with a Master'
    + (unreachable.length ? ' · not answering: ' + unreachable.join('; ') : ''));
  const headers = ['Node', 'Router', 'State', 'Admin', 'Priority', 'Master address', 'Peer (last advert)',
    'Reason of last transition', 'Counters', 'Actions'];
  $('routers-body').replaceChildren(labelled(el('table', {class: 'stack'},
    el('caption', {class: 'visually-hidden', text: 'Routers of every member, grouped by virtual router'}),
    el('thead', {}, el('tr', {}, headers.map(h => el('th', {scope: 'col', text: h})))),
    bodies), headers));
}

// ---------------------------------------------------------------- services

function serviceCard(name) {
  let card = page.services.get(name);
  if (card) return card;
  const summary = el('div', {class: 'service-summary'});
  const nodes = el('div', {class: 'scroll'});
  const panel = cgiPanel(name);
  const root = el('article', {class: 'service', 'data-service': name, 'aria-labelledby': 'svc-' + name},
    summary, nodes, panel.root);
  card = {root, summary, nodes, panel};
  page.services.set(name, card);
  return card;
}

function serviceButtons(s) {
  const base = '/api/v1/services/' + enc(s.name) + '/';
  const button = (verb, label, body) => el('button', {type: 'button', class: 'small', 'data-verb': verb,
    'data-key': 'service/' + s.name + '/' + verb, onclick: () => action(label + ' service ' + s.name, base + verb, body || {})}, label);
  return el('div', {class: 'actions'},
    button('start', 'Start'), button('stop', 'Stop'), button('restart', 'Restart'),
    button('check', 'Check'), button('clear', 'Clear'));
}

function nodeButtons(s, row) {
  const base = '/api/v1/services/' + enc(s.name) + '/';
  const on = {nodes: [row.node]};
  const button = (verb, label, text) => el('button', {type: 'button', class: 'small', 'data-verb': verb,
    'data-node': row.node, 'data-key': 'service/' + s.name + '/' + row.node + '/' + verb, 'aria-label': text,
    onclick: () => action(text, base + verb, on)}, label);
  return el('span', {class: 'actions'},
    row.state !== 'started' && row.active
      ? button('start', 'Move here', 'Move service ' + s.name + ' to ' + row.node) : null,
    row.active ? button('deactivate', 'Deactivate', 'Deactivate service ' + s.name + ' on ' + row.node)
      : button('activate', 'Activate', 'Activate service ' + s.name + ' on ' + row.node),
    row.state === 'failed' || row.blocked === 'yes' || row.failures > 0
      ? button('clear', 'Clear', 'Clear service ' + s.name + ' on ' + row.node) : null);
}

function renderService(s) {
  const card = serviceCard(s.name);
  card.summary.replaceChildren(
    el('h3', {id: 'svc-' + s.name}, s.name, ' ', el('span', {class: 'muted', text: s.type})),
    el('p', {}, badge(s.state), ' on ', el('strong', {text: dash(s.started_on)}),
      ' · active on ' + ((s.active_on || []).join(', ') || 'no node'),
      ' · ' + ((s.addresses || []).join(', ') || 'no address')),
    serviceButtons(s));
  const nodes = (s.nodes || []).slice().sort((a, b) => String(a.node).localeCompare(String(b.node)));
  card.nodes.replaceChildren(table('Nodes of service ' + s.name,
    ['Node', 'Active', 'State', 'Last check', 'Last action', 'Result', 'Status', 'Actions'],
    nodes.map(row => el('tr', {'data-node': row.node},
      el('th', {scope: 'row', text: row.node}),
      el('td', {text: row.active ? 'yes' : 'no'}),
      el('td', {}, badge(row.state), row.blocked === 'yes' ? badge('blocked', 'bad') : null),
      el('td', {text: dash(row.last_check)}),
      el('td', {text: dash(row.last_action)}),
      el('td', {text: dash(row.result)}),
      el('td', {}, row.status ? el('pre', {class: 'status', text: row.status}) : '–'),
      el('td', {}, nodeButtons(s, row))))));
  card.panel.setNodes(nodes.map(row => row.node));
  return card.root;
}

function renderServices(list, details, error) {
  if (error) {
    $('services-summary').textContent = error;
    return;
  }
  const names = new Set(list.map(s => s.name));
  for (const name of [...page.services.keys()]) {
    if (!names.has(name)) page.services.delete(name);
  }
  $('services-summary').textContent = list.length + ' services';
  const body = $('services-body');
  const cards = list.map(s => renderService(details.get(s.name) || s));
  // Re-append only when the set or order changed: moving an iframe in the DOM reloads it.
  const current = [...body.children];
  if (current.length !== cards.length || current.some((c, i) => c !== cards[i])) body.replaceChildren(...cards);
}

// ---------------------------------------------------------------- cgi panels

// A service's panel: its type's cgi output in an iframe with sandbox="" (no allow-scripts, no
// allow-same-origin, no allow-forms). The page fetches the HTML itself, with the tab's token (a frame's own
// request could not carry a bearer header), and hands it over as srcdoc. Forms in the fragment are inert
// there; the page lists each below the frame and submits it itself (admin token, confirmation).
function cgiPanel(service) {
  const select = el('select', {'aria-label': 'node of the ' + service + ' panel'},
    el('option', {value: '', text: 'default node'}));
  const frame = el('iframe', {sandbox: '', class: 'cgi', title: 'panel of service ' + service,
    referrerpolicy: 'no-referrer', hidden: true});
  const forms = el('div', {class: 'panel-forms'});
  const state = el('span', {class: 'muted', role: 'status'});
  let shown = false;
  const toggle = el('button', {type: 'button', class: 'small', 'aria-expanded': 'false'}, 'Show panel');
  const reload = el('button', {type: 'button', class: 'small', hidden: true}, 'Reload');
  const url = extra => '/api/v1/services/' + enc(service) + '/cgi'
    + (select.value || extra ? '?' : '') + [select.value ? 'node=' + enc(select.value) : '', extra || '']
    .filter(x => x).join('&');

  async function load(method, query, body) {
    state.textContent = 'loading…';
    try {
      const options = {raw: true, headers: {Accept: 'text/html'}};
      if (method === 'POST') {
        options.headers['Content-Type'] = 'application/x-www-form-urlencoded';
        options.body = body;
      }
      const html = await request(method, url(query), options);
      frame.srcdoc = html;
      frame.hidden = false;
      mirrorForms(html);
      state.textContent = 'loaded ' + clock(new Date());
    } catch (e) {
      state.textContent = 'refused: ' + e.message;
    }
  }

  // A label's own words: a label that wraps its control would otherwise bring the control's text (a select's
  // options) along.
  function labelText(label) {
    if (!label) return '';
    const copy = label.cloneNode(true);
    copy.querySelectorAll('select, textarea, input, button').forEach(c => c.remove());
    return copy.textContent.trim();
  }

  // Rebuilds each <form> of the fragment as a form of this page: only named controls, their labels as text,
  // values as properties (never markup); its submit goes through load() with this tab's token.
  function mirrorForms(html) {
    const doc = new DOMParser().parseFromString(html, 'text/html'); // inert: scripts never run here
    forms.replaceChildren(...[...doc.forms].map((source, index) => {
      const post = (source.getAttribute('method') || 'get').toLowerCase() === 'post';
      const fields = [];
      const submits = [];
      const inputs = [];
      for (const control of source.elements) {
        const name = control.getAttribute('name');
        const tag = control.tagName.toLowerCase();
        const type = (control.getAttribute('type') || (tag === 'button' ? 'submit' : 'text')).toLowerCase();
        if (type === 'submit' || type === 'button' || type === 'image' || type === 'reset') {
          if (type === 'submit') submits.push({name, value: control.getAttribute('value') || '',
            label: (control.textContent || control.getAttribute('value') || 'Submit').trim()});
          continue;
        }
        if (!name || control.disabled) continue;
        if (type === 'hidden') {
          fields.push(() => [[name, control.getAttribute('value') || '']]);
          continue;
        }
        const labelSource = (control.id && doc.querySelector('label[for="' + CSS.escape(control.id) + '"]'))
          || control.closest('label');
        const label = labelText(labelSource) || name;
        let input;
        if (tag === 'select') {
          input = el('select', {name}, [...control.options].map(o =>
            el('option', {value: o.value, selected: o.selected, text: o.textContent})));
        } else if (tag === 'textarea') {
          input = el('textarea', {name});
          input.value = control.textContent;
        } else if (type === 'checkbox' || type === 'radio') {
          input = el('input', {type, name, checked: control.hasAttribute('checked')});
          input.value = control.getAttribute('value') || 'on';
        } else {
          input = el('input', {type: type === 'number' ? 'number' : 'text', name});
          input.value = control.getAttribute('value') || '';
        }
        inputs.push(el('label', {class: 'field'}, el('span', {text: label}), input));
        fields.push(() => (type === 'checkbox' || type === 'radio') && !input.checked ? [] : [[name, input.value]]);
      }
      if (!submits.length) submits.push({name: null, value: '', label: 'Submit'});
      const form = el('form', {class: 'mirror', 'aria-label': 'panel form ' + (index + 1) + ' of ' + service},
        el('p', {class: 'muted', text: 'Form ' + (index + 1) + ' of the panel (' + (post ? 'POST, admin token'
          : 'GET') + ')'}), inputs);
      for (const submit of submits) {
        form.append(el('button', {type: 'button', class: 'small', onclick: async () => {
          const params = new URLSearchParams();
          fields.forEach(get => get().forEach(([k, v]) => params.append(k, v)));
          if (submit.name) params.append(submit.name, submit.value);
          if (post) {
            if (!await confirmAction('Send the panel form of ' + service + ' (' + submit.label + ') to '
              + (select.value || 'the default node') + '?')) return;
            await load('POST', '', params.toString());
          } else {
            await load('GET', params.toString());
          }
        }}, submit.label));
      }
      return form;
    }));
  }

  toggle.addEventListener('click', () => {
    shown = !shown;
    toggle.textContent = shown ? 'Hide panel' : 'Show panel';
    toggle.setAttribute('aria-expanded', String(shown));
    reload.hidden = !shown;
    if (shown) {
      load('GET', '');
    } else {
      frame.hidden = true;
      frame.removeAttribute('srcdoc');
      forms.replaceChildren();
      state.textContent = '';
    }
  });
  reload.addEventListener('click', () => load('GET', ''));
  select.addEventListener('change', () => { if (shown) load('GET', ''); });

  const root = el('div', {class: 'panel'},
    el('div', {class: 'panel-bar'}, toggle, select, reload, state), frame, forms);
  return {
    root,
    setNodes(nodes) {
      const have = [...select.options].slice(1).map(o => o.value).join(',');
      if (have === nodes.join(',')) return;
      const chosen = select.value;
      select.replaceChildren(el('option', {value: '', text: 'default node'}),
        ...nodes.map(n => el('option', {value: n, selected: n === chosen, text: n})));
    },
  };
}

// ---------------------------------------------------------------- polling

async function settle(promise) {
  try {
    return {value: await promise};
  } catch (e) {
    return {error: e};
  }
}

async function refresh() {
  const [cluster, routers, services] = await Promise.all([
    settle(api.get('/api/v1/cluster')),
    settle(api.get('/api/v1/cluster/routers')),
    settle(api.get('/api/v1/services')),
  ]);
  renderCluster(cluster.value || [], cluster.error && cluster.error.message);
  if (routers.value) {
    keepingFocus(() => renderRouters(routers.value.nodes || []));
  } else {
    $('routers-summary').textContent = routers.error.message;
  }
  if (services.value) {
    // GET /api/v1/services/NAME carries every node's full status text.
    const list = services.value;
    const answers = await Promise.all(list.map(s => settle(api.get('/api/v1/services/' + enc(s.name)))));
    const details = new Map();
    answers.forEach((a, i) => { if (a.value) details.set(list[i].name, a.value); });
    keepingFocus(() => renderServices(list, details, null));
  } else {
    renderServices([], new Map(), services.error.message);
  }
  const errors = [cluster, routers, services].filter(x => x.error).map(x => x.error);
  const auth = errors.find(e => e.status === 401 || e.status === 403);
  if (auth) {
    $('live').textContent = 'refused: ' + auth.message + ' (set a token)';
  } else if (routers.error && routers.error.status === 0) {
    $('live').textContent = 'no answer from the daemon: ' + routers.error.message;
  } else {
    $('live').textContent = 'live · updated ' + clock(new Date());
  }
}

const poll = {
  timer: null,
  running: false,
  again: false,
  async run() {
    clearTimeout(this.timer);
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    const start = Date.now();
    try {
      await refresh();
    } catch (e) {
      $('live').textContent = 'error: ' + e.message;
    } finally {
      this.running = false;
    }
    const period = Date.now() < page.fastUntil ? FAST_POLL_MS : POLL_MS;
    const wait = this.again ? 0 : Math.max(0, period - (Date.now() - start));
    this.again = false;
    this.timer = setTimeout(() => this.run(), wait);
  },
  now() {
    this.run();
  },
};

document.addEventListener('DOMContentLoaded', () => {
  setupToken();
  $('notice').addEventListener('click', () => notice(''));
  renderTimeline();
  poll.now();
});
