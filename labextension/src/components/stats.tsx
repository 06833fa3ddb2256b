/**
 * Stats per action: counts, cold share, p50/p95 of duration, warm vs cold medians, and a small bar chart
 * of the last activations' durations (cold and warm in their badges' colours), drawn as SVG with
 * the theme's colours.
 */
import * as React from 'react';

import { formatMs, formatPercent } from '../format';
import { FaasModel } from '../model';
import { IActionStats } from '../payloads';
import { Section } from './section';

const WIDTH = 240;
const HEIGHT = 56;
const SLOTS = 40; // bars keep their width until there are more activations than this

export function DurationChart(props: { stats: IActionStats }): JSX.Element {
  const points = props.stats.series;
  const max = Math.max(1, ...points.map(p => p.duration));
  const step = WIDTH / Math.max(points.length, SLOTS);
  const bar = Math.max(2, step - 2);
  return (
    <svg
      className="jp-faas-chart"
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      preserveAspectRatio="none"
      role="img"
      aria-label={`durations of the last ${points.length} activations of ${props.stats.action}`}
    >
      {points.map((p, i) => {
        const h = Math.max(1, (p.duration / max) * (HEIGHT - 4));
        return (
          <rect
            key={p.activationId}
            x={i * step + 1}
            y={HEIGHT - h}
            width={bar}
            height={h}
            className={
              p.cold ? 'jp-faas-bar-cold' : p.success ? 'jp-faas-bar-warm' : 'jp-faas-bar-fail'
            }
          >
            <title>{`${p.cold ? 'cold' : 'warm'} ${formatMs(p.duration)}`}</title>
          </rect>
        );
      })}
    </svg>
  );
}

export function StatsSection(props: { model: FaasModel }): JSX.Element {
  const stats = props.model.stats;
  return (
    <Section
      id="stats"
      title="Stats"
      subtitle={stats ? `${stats.activations} activations` : undefined}
    >
      {!stats || stats.actions.length === 0 ? (
        <p className="jp-faas-empty">Stats appear after the first activation.</p>
      ) : null}
      {stats?.actions.map(row => (
        <div key={row.action} className="jp-faas-stats" data-testid={`faas-stats-${row.action}`}>
          <div className="jp-faas-name">{row.action}</div>
          <table className="jp-faas-table jp-faas-kv">
            <tbody>
              <tr>
                <td>activations</td>
                <td className="jp-faas-num">{row.count}</td>
                <td>cold share</td>
                <td className="jp-faas-num">
                  {formatPercent(row.coldShare)} ({row.cold}/{row.count})
                </td>
              </tr>
              <tr>
                <td>p50</td>
                <td className="jp-faas-num">{formatMs(row.p50)}</td>
                <td>p95</td>
                <td className="jp-faas-num">{formatMs(row.p95)}</td>
              </tr>
              <tr>
                <td>warm p50</td>
                <td className="jp-faas-num">{formatMs(row.warmP50)}</td>
                <td>cold p50</td>
                <td className="jp-faas-num">{formatMs(row.coldP50)}</td>
              </tr>
              <tr>
                <td>init p50</td>
                <td className="jp-faas-num">{formatMs(row.initP50)}</td>
                <td>success</td>
                <td className="jp-faas-num">
                  {row.successRate === null ? '–' : `${Math.round(row.successRate)}%`}
                </td>
              </tr>
            </tbody>
          </table>
          <DurationChart stats={row} />
          <div className="jp-faas-legend">
            <span className="jp-faas-swatch jp-faas-bar-warm" /> warm
            <span className="jp-faas-swatch jp-faas-bar-cold" /> cold
            <span className="jp-faas-swatch jp-faas-bar-fail" /> failed
          </div>
        </div>
      ))}
    </Section>
  );
}
