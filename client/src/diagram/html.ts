// The diagram webview's page. Static markup only: the graph arrives by postMessage and is drawn
// with createElementNS/textContent, so nothing from a manifest is ever parsed as HTML.
// No VS Code import: the headless browser tests serve this very page.

export interface DiagramHtmlOptions {
  /** `webview.cspSource`. */
  cspSource: string;
  /** Fresh per page, from `crypto`. */
  nonce: string;
  scriptUri: string;
  styleUri: string;
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `img-src ${cspSource} data:`,
    'worker-src blob:',
    `font-src ${cspSource}`,
  ].join('; ');
}

function attr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function diagramHtml(o: DiagramHtmlOptions): string {
  const nonce = attr(o.nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(contentSecurityPolicy(o.cspSource, o.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(o.styleUri)}" nonce="${nonce}">
<title>Network Diagram</title>
</head>
<body>
<nav id="breadcrumb" class="breadcrumb" aria-label="What the diagram shows">
  <button id="scope-workspace" type="button" class="crumb" title="The whole workspace">Workspace</button>
  <span class="crumb-sep" aria-hidden="true">›</span>
  <button id="scope-namespace" type="button" class="crumb" title="The namespace of the focused object, and what touches it" hidden></button>
  <span id="sep-namespace" class="crumb-sep" aria-hidden="true" hidden>›</span>
  <button id="scope-focus" type="button" class="crumb" title="The object under the editor's cursor and its neighbourhood">Editor's object</button>
  <label class="depth" title="Allowed-flow hops around the focused object">depth <select id="depth" aria-label="Focus depth"><option>1</option><option>2</option><option>3</option></select></label>
</nav>
<header class="toolbar" role="toolbar" aria-label="Diagram tools">
  <div class="search">
    <input id="search" type="search" placeholder="Search objects" aria-label="Search objects (press / to focus, Enter for the next match)" spellcheck="false">
    <span id="search-count" class="muted" aria-live="polite"></span>
  </div>
  <div class="popover">
    <button id="ns-button" type="button" aria-haspopup="true" aria-expanded="false" aria-controls="ns-menu">Namespaces</button>
    <div id="ns-menu" class="menu" role="group" aria-label="Namespaces shown" hidden></div>
  </div>
  <div class="segmented" role="group" aria-label="Layers">
    <label class="toggle" title="Internet, Ingresses, routes, Services and what they select"><input type="checkbox" id="layer-routing" checked> Routing</label>
    <label class="toggle" title="Flows that NetworkPolicies allow"><input type="checkbox" id="layer-policy" checked> Policy</label>
    <label class="toggle" title="Colour what the internet (red) or the whole cluster (orange) may reach"><input type="checkbox" id="layer-exposure"> Exposure</label>
    <label class="toggle" id="layer-changes-label" title="Connections added (green) or removed (red) since HEAD, or the revision chosen in Show Connectivity Changes"><input type="checkbox" id="layer-changes"> Changes</label>
  </div>
  <span id="changes-note" class="muted changes-note" aria-live="polite"></span>
  <button id="path-button" type="button" aria-pressed="false" title="Who can reach what, and why: pick two objects (or From the Internet)">Path…</button>
  <span class="spacer"></span>
  <button id="expand-all" type="button" title="Open every namespace">Expand all</button>
  <button id="collapse-all" type="button" title="Collapse every namespace">Collapse all</button>
  <div class="segmented" role="group" aria-label="Zoom">
    <button id="zoom-out" type="button" aria-label="Zoom out" title="Zoom out (-)">−</button>
    <button id="zoom-fit" type="button" title="Fit to window (0)">Fit</button>
    <button id="zoom-in" type="button" aria-label="Zoom in" title="Zoom in (+)">+</button>
  </div>
  <button id="export" type="button" class="primary" title="Save the diagram as an SVG file">Export SVG</button>
</header>
<main id="stage">
  <svg id="canvas" xmlns="http://www.w3.org/2000/svg" role="application" aria-label="Network diagram. Tab moves between objects, Enter opens the YAML, arrow keys pan, plus and minus zoom." tabindex="0" focusable="true"></svg>
  <div id="tooltip" role="tooltip" hidden></div>
  <div id="message" class="message" role="status" hidden></div>
  <section id="path-panel" class="path-panel" aria-label="Path query" hidden>
    <div class="path-head"><strong>Path</strong> <button id="path-internet" type="button" class="link">From the Internet</button> <button id="path-close" type="button" class="link" aria-label="Close the path query">Close</button></div>
    <div id="path-body" class="path-body" aria-live="polite"></div>
  </section>
</main>
<footer class="statusbar">
  <span id="status" aria-live="polite">Waiting for the language server…</span>
  <span class="legend" aria-label="Legend">
    <span class="legend-item"><svg width="26" height="8" aria-hidden="true"><line x1="1" y1="4" x2="25" y2="4" class="legend-route"/></svg>route</span>
    <span class="legend-item"><svg width="26" height="8" aria-hidden="true"><line x1="1" y1="4" x2="25" y2="4" class="legend-select"/></svg>selects</span>
    <span class="legend-item"><svg width="26" height="8" aria-hidden="true"><line x1="1" y1="4" x2="25" y2="4" class="legend-allow"/></svg>allowed</span>
    <span class="legend-item"><svg width="26" height="8" aria-hidden="true"><line x1="1" y1="4" x2="25" y2="4" class="legend-blocked"/></svg>blocked</span>
    <span class="legend-item" title="Denied by an AdminNetworkPolicy or BaselineAdminNetworkPolicy Deny rule where the NetworkPolicies alone would allow it (hover the edge for the rule)"><svg width="26" height="8" aria-hidden="true"><line x1="1" y1="4" x2="25" y2="4" class="legend-tier-denied"/></svg>denied by cluster tier</span>
    <span class="legend-item legend-changes"><svg width="26" height="8" aria-hidden="true"><line x1="1" y1="4" x2="25" y2="4" class="legend-added"/></svg>added <svg width="26" height="8" aria-hidden="true"><line x1="1" y1="4" x2="25" y2="4" class="legend-removed"/></svg>removed</span>
    <span class="legend-item" title="A globe on a node: any address may reach it (or it may reach any address)"><svg width="14" height="14" aria-hidden="true"><circle cx="7" cy="7" r="5.5" class="legend-globe"/><ellipse cx="7" cy="7" rx="2.5" ry="5.5" class="legend-globe"/></svg>internet</span>
    <span class="legend-item" title="A dashed ring: the whole cluster; three dots: every other workload"><svg width="14" height="14" aria-hidden="true"><circle cx="7" cy="7" r="5.5" class="legend-ring"/></svg>cluster <svg width="14" height="14" aria-hidden="true"><circle cx="3" cy="7" r="1.6" class="legend-dot"/><circle cx="7" cy="7" r="1.6" class="legend-dot"/><circle cx="11" cy="7" r="1.6" class="legend-dot"/></svg>all workloads</span>
    <span class="legend-item legend-kinds"><span class="kind-chip chip-entry">Ingress/route</span><span class="kind-chip chip-service">Service</span><span class="kind-chip chip-workload">workload</span><span class="kind-chip chip-external">outside</span></span>
  </span>
</footer>
<script nonce="${nonce}" src="${attr(o.scriptUri)}"></script>
</body>
</html>
`;
}
