import Foundation
import LetheNN
import LetheTensor
import Testing

/// Optimiser updates against values worked out by hand from PyTorch's documented update rules.
@Suite struct OptimizerTests {
    func vector(values: [Float], gradients: [Float]) -> ParameterVector {
        let p = ParameterVector()
        p.register("w", shape: [values.count])
        p.values = values
        p.gradients = gradients
        return p
    }

    @Test func sgdWithMomentumAndWeightDecay() {
        let p = vector(values: [1, -2], gradients: [0.5, 0.25])
        var sgd = SGD(momentum: 0.9, weightDecay: 0.1)
        sgd.step(p, learningRate: 0.1)
        // g = ∇ + 0.1θ = [0.6, 0.05]; v = g; θ = θ − 0.1 v
        #expect(abs(p.values[0] - 0.94) < 1e-6 && abs(p.values[1] - -2.005) < 1e-6)
        sgd.step(p, learningRate: 0.1)
        // g = [0.5 + 0.094, 0.25 − 0.2005] = [0.594, 0.0495]; v = 0.9·[0.6, 0.05] + g = [1.134, 0.0945]
        #expect(abs(p.values[0] - (0.94 - 0.1134)) < 1e-6 && abs(p.values[1] - (-2.005 - 0.00945)) < 1e-6)
    }

    @Test func nesterovLooksAhead() {
        let p = vector(values: [0], gradients: [1])
        var sgd = SGD(momentum: 0.5, nesterov: true)
        sgd.step(p, learningRate: 1)
        // v = 1; d = g + μv = 1.5
        #expect(p.values[0] == -1.5)
    }

    @Test func adamFirstStepMovesByLearningRate() {
        let p = vector(values: [1, 1], gradients: [0.3, -4])
        var adam = Adam()
        adam.step(p, learningRate: 0.01)
        // With bias correction the first step is η·g/|g| (up to ε).
        #expect(abs(p.values[0] - 0.99) < 1e-6 && abs(p.values[1] - 1.01) < 1e-6)
    }

    @Test func gradientClippingScalesToMaxNorm() {
        let p = vector(values: [0, 0], gradients: [3, 4])
        let before = clipGradientNorm(p, maxNorm: 1)
        #expect(before == 5)
        #expect(abs(p.gradients[0] - 0.6) < 1e-5 && abs(p.gradients[1] - 0.8) < 1e-5)
    }

    @Test func cosineScheduleRunsFromBaseToMinimum() {
        let schedule = LearningRateSchedule.cosine(minimum: 0)
        #expect(schedule.rate(base: 0.05, step: 0, totalSteps: 100) == 0.05)
        #expect(abs(schedule.rate(base: 0.05, step: 50, totalSteps: 100) - 0.025) < 1e-7)
        #expect(abs(schedule.rate(base: 0.05, step: 100, totalSteps: 100)) < 1e-9)
        #expect(LearningRateSchedule.step(every: 10, factor: 0.1).rate(base: 1, step: 25, totalSteps: 100) - 0.01 < 1e-7)
    }
}
