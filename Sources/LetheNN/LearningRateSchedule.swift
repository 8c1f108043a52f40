import Foundation

/// How the learning rate moves over a run of `totalSteps` optimiser steps (schedules are stepped per batch).
public enum LearningRateSchedule: Codable, Equatable, Sendable {
    /// η stays at the base rate.
    case constant
    /// Cosine annealing from the base rate to `minimum` at the last step:
    /// η_t = η_min + (η₀ − η_min)(1 + cos(π t / T)) / 2.
    case cosine(minimum: Float)
    /// Multiplies the rate by `factor` every `every` steps.
    case step(every: Int, factor: Float)

    /// The rate for step `step` (0-based) of `totalSteps`.
    public func rate(base: Float, step: Int, totalSteps: Int) -> Float {
        switch self {
        case .constant:
            return base
        case .cosine(let minimum):
            let progress = totalSteps > 0 ? Double(step) / Double(totalSteps) : 0
            return minimum + (base - minimum) * Float((1 + Foundation.cos(Double.pi * progress)) / 2)
        case .step(let every, let factor):
            return base * Float(Foundation.pow(Double(factor), Double(step / max(every, 1))))
        }
    }
}
