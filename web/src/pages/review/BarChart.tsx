import { useEffect, useRef } from 'react';
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';

// Only the parts of Chart.js a bar chart needs: the library loads with the review pages, never with the app.
Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);

/** Colours with at least 3:1 contrast against white and each other's neighbours (WCAG 1.4.11). */
const COLOURS = ['#0f5466', '#b35900', '#6a3d9a', '#1d5b2e', '#a8261b'];

/** One series of bars. */
export interface BarSeries { label: string; data: number[]; colour?: string | string[] }

/**
 * A bar chart drawn on a canvas for people who would rather look than read. The canvas is hidden from assistive
 * technology: the same figures are always given as a table or text beside it (its text alternative, WCAG 1.1.1),
 * which the caller renders. Stacked when there are several series.
 */
export default function BarChart({ labels, series, horizontal = false, tall = false }: { labels: string[]; series: BarSeries[]; horizontal?: boolean; tall?: boolean }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, {
      type: 'bar',
      data: {
        labels,
        datasets: series.map((s, i) => ({ label: s.label, data: s.data, backgroundColor: s.colour ?? COLOURS[i % COLOURS.length], borderRadius: 3, maxBarThickness: 48 })),
      },
      options: {
        indexAxis: horizontal ? 'y' : 'x',
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: series.length > 1, position: 'bottom', labels: { color: '#17212b', boxWidth: 14 } }, tooltip: { enabled: true } },
        scales: {
          x: { stacked: series.length > 1, ticks: { color: '#4a5562', precision: 0 }, grid: { display: horizontal } },
          y: { stacked: series.length > 1, beginAtZero: true, ticks: { color: '#4a5562', precision: 0 }, grid: { display: !horizontal } },
        },
      },
    });
    return () => chart.destroy();
  }, [labels, series, horizontal]);
  return <div className={`chart-box ${tall ? 'tall' : ''}`}><canvas ref={canvas} aria-hidden="true" /></div>;
}
