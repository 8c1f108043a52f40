import LetheNN
import LetheTensor
@testable import LetheUnlearning
import Testing

@Suite struct MaskedUpdateTests {
    /// With momentum and weight decay, unselected weights must stay bit-identical over many steps.
    @Test func unmaskedWeightsStayBitIdentical() throws {
        let model = Architecture.cnnSmall.build(seed: 1)
        let count = model.parameters.count
        var rng = SeededGenerator(seed: 2)
        let scores = (0..<count).map { _ in rng.nextUniform() }
        let mask = try WeightMask.topFraction(scores, fraction: 0.3)
        let before = model.parameters.values
        var optimizer = SGD(momentum: 0.9, weightDecay: 5e-4)
        let rule = WeightUpdateRule(mask: mask)
        for _ in 0..<3 {
            model.parameters.gradients = (0..<count).map { _ in rng.nextNormal() }
            rule.step(model, optimizer: &optimizer, learningRate: 0.1)
        }
        var changed = 0
        for i in 0..<count {
            if mask[i] {
                if model.parameters.values[i] != before[i] { changed += 1 }
            } else {
                #expect(model.parameters.values[i].bitPattern == before[i].bitPattern)
            }
        }
        #expect(changed == mask.selectedCount)
        #expect(mask.selectedCount == Int((0.3 * Double(count)).rounded()))
    }

    @Test func softScaleMultipliesGradients() {
        let p = ParameterVector()
        p.register("w", shape: [3])
        var rng = SeededGenerator(seed: 0)
        let model = Sequential(architecture: "probe", layers: [Linear("fc", inFeatures: 1, outFeatures: 1, parameters: p,
                                                                     rng: &rng)],
                               parameters: p, featureLayerIndex: 0) { _ in fatalError("not rebuilt in this test") }
        model.parameters.values = [1, 1, 1, 0, 0]
        model.parameters.gradients = [1, 1, 1, 1, 1]
        var sgd = SGD()
        WeightUpdateRule(mask: nil, scale: [0, 0.5, 1, 0, 0]).step(model, optimizer: &sgd, learningRate: 1)
        #expect(Array(model.parameters.values.prefix(3)) == [1, 0.5, 0])
    }
}
