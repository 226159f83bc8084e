#include "RolloutWavesView.h"

#include "Appearance.h"

#include <QHelpEvent>
#include <QPainter>
#include <QToolTip>

#include <array>

namespace ca {

namespace {

constexpr int kMargin = 4;
constexpr int kGap = 10;       // between the name, the bar and the counts
constexpr int kMinSegment = 3; // px: one failure among a thousand still shows

enum Segment
{
    Succeeded,
    Failed,
    InFlight,
    Waiting,
    SegmentCount
};

QColor segmentColor(Segment s, bool dark)
{
    switch (s) {
    case Succeeded:
        return dark ? QColor(0x4c, 0xaf, 0x63) : QColor(0x2e, 0x9d, 0x4a);
    case Failed:
        return dark ? QColor(0xe0, 0x5a, 0x5a) : QColor(0xd0, 0x3b, 0x3b);
    case InFlight:
        return QColor(0xe8, 0xa3, 0x17);
    case Waiting:
    case SegmentCount:
        break;
    }
    return dark ? QColor(0x4a, 0x4f, 0x55) : QColor(0xcf, 0xd3, 0xd7);
}

void fillSegment(QPainter& p, const QRect& r, Segment s, bool dark)
{
    p.fillRect(r, segmentColor(s, dark));
    if (s == InFlight) // striped: moving, not settled
        p.fillRect(r, QBrush(QColor(0xa0, 0x6a, 0x00), Qt::BDiagPattern));
}

std::array<int, SegmentCount> countsOf(const Rollout::WaveCounts& c)
{
    return {c.succeeded, c.failed, c.inFlight, c.waiting};
}

// Pixel widths of the segments in `width`: proportional, each non-empty one at least
// kMinSegment wide, the largest absorbing the rounding.
std::array<int, SegmentCount> segmentWidths(const Rollout::WaveCounts& c, int width)
{
    std::array<int, SegmentCount> out{};
    const auto counts = countsOf(c);
    if (c.total <= 0)
        return out;
    int sum = 0;
    int largest = 0;
    for (int s = 0; s < SegmentCount; ++s) {
        if (counts[s] == 0)
            continue;
        out[s] = qMax(kMinSegment, int(qint64(counts[s]) * width / c.total));
        sum += out[s];
        if (counts[s] > counts[largest])
            largest = s;
    }
    out[largest] = qMax(0, out[largest] + width - sum);
    return out;
}

QString legendText(Segment s)
{
    switch (s) {
    case Succeeded:
        return RolloutWavesView::tr("succeeded");
    case Failed:
        return RolloutWavesView::tr("failed");
    case InFlight:
        return RolloutWavesView::tr("in flight");
    case Waiting:
    case SegmentCount:
        break;
    }
    return RolloutWavesView::tr("waiting");
}

} // namespace

RolloutWavesView::RolloutWavesView(QWidget* parent) : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    setAccessibleName(tr("Waves"));
}

void RolloutWavesView::setRollout(const Rollout& rollout)
{
    m_waves.clear();
    QStringList lines;
    for (int w = 0; w < rollout.waveCount; ++w) {
        m_waves.append({rollout.waveName(w), rollout.waveCounts(w)});
        lines << describe(m_waves.constLast());
    }
    m_current = rollout.isActive() ? rollout.currentWave : -1;
    setAccessibleDescription(lines.join(QLatin1Char('\n')));
    updateGeometry();
    update();
}

int RolloutWavesView::rowHeight() const
{
    return fontMetrics().height() + 12;
}

int RolloutWavesView::nameWidth() const
{
    QFont bold = font();
    bold.setBold(true);
    const QFontMetrics fm(bold);
    int w = 0;
    for (const Wave& wave : m_waves)
        w = qMax(w, fm.horizontalAdvance(wave.name));
    return w + fm.horizontalAdvance(QStringLiteral("▸ "));
}

QString RolloutWavesView::describe(const Wave& wave) const
{
    const Rollout::WaveCounts& c = wave.counts;
    return tr("%1: %2 of %3 done (%4 succeeded, %5 failed), %6 in flight, %7 waiting")
        .arg(wave.name)
        .arg(c.done())
        .arg(c.total)
        .arg(c.succeeded)
        .arg(c.failed)
        .arg(c.inFlight)
        .arg(c.waiting);
}

QSize RolloutWavesView::sizeHint() const
{
    const int rows = int(m_waves.size()) + 1; // and the legend
    return {520, 2 * kMargin + rows * rowHeight()};
}

QSize RolloutWavesView::minimumSizeHint() const
{
    return {nameWidth() + 240, sizeHint().height()};
}

int RolloutWavesView::rowAt(int y) const
{
    const int row = (y - kMargin) / rowHeight();
    return y >= kMargin && row < m_waves.size() ? row : -1;
}

bool RolloutWavesView::event(QEvent* event)
{
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        const int row = rowAt(help->pos().y());
        if (row >= 0)
            QToolTip::showText(help->globalPos(), describe(m_waves.at(row)), this);
        else
            QToolTip::hideText();
        return true;
    }
    return QWidget::event(event);
}

void RolloutWavesView::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    const bool dark = paletteIsDark(palette());
    const QFontMetrics fm = fontMetrics();
    const int rowH = rowHeight();
    const int nameW = nameWidth();
    // The counts column fits the widest "done/total, failed" text of any wave.
    auto countsText = [](const Rollout::WaveCounts& c) {
        return c.failed > 0 ? tr("%1/%2 done, %3 failed").arg(c.done()).arg(c.total).arg(c.failed)
                            : tr("%1/%2 done").arg(c.done()).arg(c.total);
    };
    int countsW = 0;
    for (const Wave& wave : std::as_const(m_waves))
        countsW = qMax(countsW, fm.horizontalAdvance(countsText(wave.counts)));
    const int barX = kMargin + nameW + kGap;
    const int barW = qMax(40, width() - barX - kGap - countsW - kMargin);

    for (int row = 0; row < m_waves.size(); ++row) {
        const Wave& wave = m_waves.at(row);
        const QRect line(kMargin, kMargin + row * rowH, width() - 2 * kMargin, rowH);
        const bool current = row == m_current;
        if (current) {
            QColor band = palette().color(QPalette::Highlight);
            band.setAlpha(dark ? 70 : 45);
            p.setPen(Qt::NoPen);
            p.setBrush(band);
            p.drawRoundedRect(line.adjusted(0, 1, 0, -1), 4, 4);
        }
        QFont f = font();
        f.setBold(current);
        p.setFont(f);
        p.setPen(palette().color(QPalette::WindowText));
        const QString name = current ? QStringLiteral("▸ ") + wave.name : wave.name;
        p.drawText(QRect(line.left() + 2, line.top(), nameW, rowH), Qt::AlignVCenter, name);
        p.setFont(font());

        const QRect bar(barX, line.top() + (rowH - fm.height()) / 2, barW, fm.height());
        const auto widths = segmentWidths(wave.counts, bar.width());
        int x = bar.left();
        for (int s = 0; s < SegmentCount; ++s) {
            if (widths[s] <= 0)
                continue;
            fillSegment(p, QRect(x, bar.top(), widths[s], bar.height()), Segment(s), dark);
            x += widths[s];
        }
        if (wave.counts.total == 0)
            fillSegment(p, bar, Waiting, dark);
        p.setPen(current ? palette().color(QPalette::Highlight) : palette().color(QPalette::Mid));
        p.setBrush(Qt::NoBrush);
        p.drawRect(bar.adjusted(0, 0, -1, -1));

        p.setPen(palette().color(QPalette::WindowText));
        p.drawText(QRect(bar.right() + kGap, line.top(), countsW + kMargin, rowH),
                   Qt::AlignVCenter | Qt::AlignLeft, countsText(wave.counts));
    }

    // The legend: what each colour means.
    int x = barX;
    const int y = kMargin + int(m_waves.size()) * rowH;
    const int swatch = fm.height() - 4;
    for (int s = 0; s < SegmentCount; ++s) {
        const QRect box(x, y + (rowH - swatch) / 2, swatch, swatch);
        fillSegment(p, box, Segment(s), dark);
        p.setPen(palette().color(QPalette::Mid));
        p.drawRect(box.adjusted(0, 0, -1, -1));
        p.setPen(palette().color(QPalette::WindowText));
        const QString text = legendText(Segment(s));
        p.drawText(QRect(box.right() + 5, y, fm.horizontalAdvance(text) + 2, rowH),
                   Qt::AlignVCenter, text);
        x = box.right() + 5 + fm.horizontalAdvance(text) + 2 * kGap;
    }
}

} // namespace ca
