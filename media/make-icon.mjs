#!/usr/bin/env node
// Draws media/icon.png (128×128 RGBA): a small network map — nodes joined by edges — on a dark
// blue rounded square. No dependencies: shapes are signed-distance functions, each pixel is
// supersampled 4×4 for smooth edges, and the PNG is written with node:zlib.
// Run: node media/make-icon.mjs [out.png]

import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const SIZE = 128;
const SAMPLES = 4;

const hex = (h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16) / 255);
const COLORS = {
  top: hex('#1d4f8a'),
  bottom: hex('#0b2140'),
  edge: hex('#6cc6ff'),
  ring: hex('#0b2140'),
  node: hex('#eaf6ff'),
  ingress: hex('#ffb347'),
};

// Node 0 is the entry point (drawn in the accent colour); the rest are workloads.
const NODES = [
  [64, 28],
  [34, 58],
  [94, 58],
  [64, 76],
  [36, 100],
  [92, 100],
];
const EDGES = [
  [0, 1],
  [0, 2],
  [1, 3],
  [2, 3],
  [3, 4],
  [3, 5],
  [1, 4],
];
const NODE_RADIUS = 9.5;
const RING = 3; // dark outline that separates a node from the edges under it
const EDGE_HALF_WIDTH = 2.6;

function roundedSquareDistance(x, y) {
  const inset = 4;
  const radius = 26;
  const half = SIZE / 2 - inset;
  const qx = Math.abs(x - SIZE / 2) - (half - radius);
  const qy = Math.abs(y - SIZE / 2) - (half - radius);
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - radius;
}

function segmentDistance(px, py, [ax, ay], [bx, by]) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

// Colour of one sample point, or null outside the rounded square.
function shade(x, y) {
  if (roundedSquareDistance(x, y) > 0) return null;
  const t = y / SIZE;
  let c = COLORS.top.map((v, i) => v * (1 - t) + COLORS.bottom[i] * t);
  if (EDGES.some(([a, b]) => segmentDistance(x, y, NODES[a], NODES[b]) <= EDGE_HALF_WIDTH)) c = COLORS.edge;
  NODES.forEach(([nx, ny], i) => {
    const d = Math.hypot(x - nx, y - ny);
    if (d <= NODE_RADIUS + RING) c = COLORS.ring;
    if (d <= NODE_RADIUS) c = i === 0 ? COLORS.ingress : COLORS.node;
  });
  return c;
}

function render() {
  const rgba = Buffer.alloc(SIZE * SIZE * 4);
  for (let py = 0; py < SIZE; py++) {
    for (let px = 0; px < SIZE; px++) {
      const sum = [0, 0, 0];
      let covered = 0;
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const c = shade(px + (sx + 0.5) / SAMPLES, py + (sy + 0.5) / SAMPLES);
          if (!c) continue;
          covered++;
          for (let i = 0; i < 3; i++) sum[i] += c[i];
        }
      }
      const o = (py * SIZE + px) * 4;
      if (covered === 0) continue;
      // Colour averaged over covered samples (straight alpha), alpha = coverage.
      for (let i = 0; i < 3; i++) rgba[o + i] = Math.round((sum[i] / covered) * 255);
      rgba[o + 3] = Math.round((covered / (SAMPLES * SAMPLES)) * 255);
    }
  }
  return rgba;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function encodePng(rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(SIZE, 0);
  header.writeUInt32BE(SIZE, 4);
  header[8] = 8; // bits per channel
  header[9] = 6; // RGBA
  // compression, filter and interlace methods stay 0
  const rows = [];
  for (let y = 0; y < SIZE; y++) {
    rows.push(Buffer.from([0])); // filter: none
    rows.push(rgba.subarray(y * SIZE * 4, (y + 1) * SIZE * 4));
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(Buffer.concat(rows), { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.resolve(process.argv[2] ?? path.join(here, 'icon.png'));
fs.writeFileSync(out, encodePng(render()));
console.log(`wrote ${path.relative(process.cwd(), out) || out}`);
