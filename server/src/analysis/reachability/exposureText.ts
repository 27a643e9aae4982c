// `reach` views beyond the plain lines (SPEC §4), in netpol-analyzer's text format:
//   - focus: `--focus W` (repeatable; a peer as printed, `ns/name`, or a bare `name`),
//     `--focus-peer W` (the other end must be one of these), `--focus-direction ingress|egress`
//     (the focus workloads as destinations, or as sources), `--focus-conn PROTO-PORT` (only pairs
//     that allow that port, printed `src => dst` under `Permitted connections on TCP 8080:`);
//   - `--exposure`: the lines, then "Exposure Analysis Result:" with each workload's egress and
//     ingress exposure (entire cluster, representative peers, outside addresses) and the workloads
//     no policy protects. Ignored when both --focus and --focus-peer are given (as netpol-analyzer does).
// Pure: the engine in, text out.

import { getOrCreate } from '../../model/collections';
import type { Protocol } from '../../model/types';
import { ConnSet } from './connset';
import type { PairResult, PeerInfo, ReachabilityEngine } from './engine';
import { PortConns, type Direction } from './exposure';
import { compareBytes } from './peers';

export interface ReachViewOptions {
  exposure?: boolean;
  focus?: readonly string[];
  focusPeers?: readonly string[];
  focusDirection?: Direction;
  /** `tcp-8080` */
  focusConn?: string;
}

interface FocusConn {
  protocol: Protocol;
  port: number;
  conns: ConnSet;
  text: string;
}

/** Reads `PROTO-PORT` (`tcp-8080`); throws an Error with the reason when malformed. */
export function parseFocusConn(text: string): FocusConn {
  const parts = text.split('-');
  if (parts.length !== 2) throw new Error(`--focus-conn takes PROTOCOL-PORT such as tcp-8080, got '${text}'`);
  const protocol = parts[0].toUpperCase();
  if (protocol !== 'TCP' && protocol !== 'UDP' && protocol !== 'SCTP') throw new Error(`--focus-conn protocol must be tcp, udp or sctp, got '${parts[0]}'`);
  const port = /^\d+$/.test(parts[1]) ? Number(parts[1]) : NaN;
  if (!(port >= 1 && port <= 65535)) throw new Error(`--focus-conn port must be 1-65535, got '${parts[1]}'`);
  const conns = ConnSet.range(protocol, port, port);
  return { protocol, port, conns, text: conns.toString() };
}

/** Whether a peer is named by one of the focus entries: as printed, `ns/name`, or bare `name`. */
function peerInFocus(p: PeerInfo, list: readonly string[] | undefined): boolean {
  if (!list || list.length === 0) return true;
  const { ns, name } = nameParts(p);
  return list.some((f) => f === p.name || f === name || f === `${ns}/${name}`);
}

function nameParts(p: PeerInfo): { ns: string; name: string } {
  if (p.kind === 'ingress-controller') return { ns: 'ingress-controller-ns', name: 'ingress-controller' };
  if (p.kind !== 'workload') return { ns: '', name: p.name };
  const slash = p.name.indexOf('/');
  const bracket = p.name.lastIndexOf('[');
  return { ns: p.name.slice(0, slash), name: p.name.slice(slash + 1, bracket < 0 ? undefined : bracket) };
}

/** Focus entries that name no peer (for a warning). */
export function unknownFocus(engine: ReachabilityEngine, list: readonly string[]): string[] {
  const peers = [...engine.peers(), ...engine.externalPeers('ingress').filter((p) => p.kind === 'ingress-controller')];
  return list.filter((f) => !peers.some((p) => peerInFocus(p, [f])) && f !== 'ingress-controller');
}

interface Line {
  src: string;
  dst: string;
  conn: string;
}

/** Whether a focus keeps a pair (netpol-analyzer's rule: a focus workload at one end, a focus peer at the other). */
export function focusKeeps(o: ReachViewOptions): (src: PeerInfo, dst: PeerInfo) => boolean {
  const focusing = !!o.focus && o.focus.length > 0;
  const peerOk = (p: PeerInfo): boolean => !focusing || peerInFocus(p, o.focusPeers);
  return (src, dst) => {
    if (focusing && o.focusDirection === 'ingress' && !peerInFocus(dst, o.focus)) return false;
    if (focusing && o.focusDirection === 'egress' && !peerInFocus(src, o.focus)) return false;
    return (peerInFocus(src, o.focus) && peerOk(dst)) || (peerInFocus(dst, o.focus) && peerOk(src));
  };
}

/** The pairs a focus keeps. */
export function focusedPairs(pairs: Iterable<PairResult>, o: ReachViewOptions): PairResult[] {
  const keep = focusKeeps(o);
  const out: PairResult[] = [];
  for (const p of pairs) if (keep(p.src, p.dst)) out.push(p);
  return out;
}

/** The pairs and lines of a view, and whether its exposure section is printed. */
function viewOf(engine: ReachabilityEngine, o: ReachViewOptions): { fc?: FocusConn; exposure: boolean; pairs: PairResult[]; lines: Line[] } {
  const fc = o.focusConn ? parseFocusConn(o.focusConn) : undefined;
  const exposure = !!o.exposure && !(o.focus?.length && o.focusPeers?.length);
  let pairs = focusedPairs(engine.pairs(), o);
  if (fc) pairs = pairs.filter((p) => p.conns.has(fc.protocol, fc.port));
  const texts = new Map<ConnSet, string>(); // few distinct sets, many pairs
  const connText = (c: ConnSet): string => getOrCreate(texts, c, () => c.toString());
  const lines: Line[] = pairs.map((p) => ({ src: p.src.name, dst: p.dst.name, conn: fc ? fc.text : connText(p.conns) }));
  return { fc, exposure, pairs, lines };
}

/** The whole text of a `reach` run with focus, focus-conn and exposure options. */
export function reachViewText(engine: ReachabilityEngine, o: ReachViewOptions): string {
  const { fc, exposure, pairs, lines } = viewOf(engine, o);
  let out = '';
  if (fc) {
    out = `Permitted connections on ${fc.text}:\n`;
    for (const l of lines) out += `${l.src} => ${l.dst}\n`;
  } else for (const l of lines) out += `${l.src} => ${l.dst} : ${l.conn}\n`;
  if (!exposure) return out;
  if (out !== '') out += '\n';
  return out + exposureSection(engine, pairs, lines, o, fc);
}

/** The exposure section alone (`--explain --exposure` prints it after the explanation); empty when the view has none. */
export function exposureText(engine: ReachabilityEngine, o: ReachViewOptions): string {
  const { fc, exposure, pairs, lines } = viewOf(engine, o);
  return exposure ? exposureSection(engine, pairs, lines, o, fc) : '';
}

interface ExposedPeer {
  peer: PeerInfo;
  ingress?: { protected: boolean; lines: Line[] };
  egress?: { protected: boolean; lines: Line[] };
}

function exposureSection(engine: ReachabilityEngine, pairs: PairResult[], lines: Line[], o: ReachViewOptions, fc: FocusConn | undefined): string {
  const world = engine.openWorld();
  const focus = fc && PortConns.of(fc.conns);
  const exposed = new Map<PeerInfo, ExposedPeer>();
  const entry = (p: PeerInfo, dir: Direction, prot: boolean): { protected: boolean; lines: Line[] } => {
    let e = exposed.get(p);
    if (!e) exposed.set(p, (e = { peer: p }));
    return (e[dir] ??= { protected: prot, lines: [] });
  };
  for (const peer of engine.peers()) {
    if (peer.kind !== 'workload' || !peerInFocus(peer, o.focus)) continue;
    for (const dir of ['egress', 'ingress'] as const) {
      if (o.focus?.length && o.focusDirection && o.focusDirection !== dir) continue;
      let prot = false;
      let entire = PortConns.EMPTY;
      const per = new Map<string, { name: string; conns: PortConns }>();
      for (const c of engine.classesOfPeer(peer)) {
        const x = world.exposure(c, dir);
        if (!x.protected) continue;
        prot = true;
        entire = entire.union(x.entireCluster);
        for (const l of x.representatives) {
          const had = per.get(l.rep.key);
          per.set(l.rep.key, { name: l.rep.name, conns: had ? had.conns.union(l.conns) : l.conns });
        }
      }
      if (!prot && engine.classesOfPeer(peer).length > 0) {
        entry(peer, dir, false).lines.push(line(peer.name, 'entire-cluster', dir, 'All Connections'));
        continue;
      }
      const general = fc && focus ? (contains(entire, fc) ? focus : PortConns.EMPTY) : entire;
      if (!general.isEmpty) entry(peer, dir, true).lines.push(line(peer.name, 'entire-cluster', dir, general.toString()));
      for (const { name, conns } of per.values()) {
        let c = conns;
        if (fc && focus) {
          if (!contains(conns, fc)) continue;
          c = focus;
        }
        if (c.equals(general) || (general.isEmpty && c.isEmpty)) continue;
        entry(peer, dir, true).lines.push(line(peer.name, name, dir, c.toString()));
      }
    }
  }
  // Connections with outside addresses appear again under the exposed peers, in both directions
  // (a peer with an entry in one direction only still lists its addresses in the other).
  pairs.forEach((p, i) => {
    const l = lines[i];
    const toward = p.src.kind === 'external' ? exposed.get(p.dst) : undefined;
    if (toward) (toward.ingress ??= { protected: true, lines: [] }).lines.push(l);
    const from = p.dst.kind === 'external' ? exposed.get(p.src) : undefined;
    if (from) (from.egress ??= { protected: true, lines: [] }).lines.push(l);
  });

  const width = Math.max(0, ...[...exposed.keys()].map((p) => p.name.length));
  // Lines sort by the exposed peer first (egress by source, ingress by destination): one small sort per peer.
  const fmt = (own: string, arrow: string, other: string, conn: string): string =>
    `${own.padEnd(width)} \t${arrow} \t${other}${fc ? '' : ` : ${conn}`}`;
  const peersInOrder = [...exposed.values()].sort((a, b) => compareBytes(a.peer.name, b.peer.name));
  const egress: string[] = [];
  const ingress: string[] = [];
  const unprotected: string[] = [];
  for (const e of peersInOrder) {
    if (e.egress) {
      for (const l of e.egress.lines.sort((a, b) => compareBytes(a.dst, b.dst))) egress.push(fmt(l.src, '=>', l.dst, l.conn));
      if (!e.egress.protected) unprotected.push(`${e.peer.name} is not protected on Egress`);
    }
    if (e.ingress) {
      for (const l of e.ingress.lines.sort((a, b) => compareBytes(a.src, b.src))) ingress.push(fmt(l.dst, '<=', l.src, l.conn));
      if (!e.ingress.protected) unprotected.push(`${e.peer.name} is not protected on Ingress`);
    }
  }
  unprotected.sort(compareBytes);
  let s = `Exposure Analysis Result${fc ? ` On ${fc.text}` : ''}:\n`;
  if (egress.length) s += `Egress Exposure:\n${egress.join('\n')}\n`;
  if (ingress.length) s += `${egress.length ? '\n' : ''}Ingress Exposure:\n${ingress.join('\n')}\n`;
  if (!fc && unprotected.length) s += `\nWorkloads not protected by network policies:\n${unprotected.join('\n')}\n`;
  return s;
}

function line(peer: string, other: string, dir: Direction, conn: string): Line {
  return dir === 'ingress' ? { src: other, dst: peer, conn } : { src: peer, dst: other, conn };
}

function contains(c: PortConns, fc: FocusConn): boolean {
  return c.has(fc.protocol, fc.port);
}
