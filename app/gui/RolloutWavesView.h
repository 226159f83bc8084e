#pragma once

#include "Rollout.h"

#include <QWidget>

namespace ca {

// A rollout's waves as a picture: one bar per wave, split into succeeded (green), failed (red),
// in flight (amber, striped) and waiting (grey), the current wave marked, a legend below. The
// same counts in words are its tooltip per bar and its accessible description.
class RolloutWavesView : public QWidget
{
    Q_OBJECT
public:
    explicit RolloutWavesView(QWidget* parent = nullptr);

    void setRollout(const Rollout& rollout);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;
    bool event(QEvent* event) override;

private:
    struct Wave
    {
        QString name;
        Rollout::WaveCounts counts;
    };
    int rowHeight() const;
    int nameWidth() const;
    int rowAt(int y) const;
    QString describe(const Wave& wave) const;

    QList<Wave> m_waves;
    int m_current = -1; // -1: none (the rollout is over)
};

} // namespace ca
