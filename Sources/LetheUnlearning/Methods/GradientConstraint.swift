import Foundation
import LetheData
import LetheNN
import LetheTensor

/// GC (Wang & Chen 2024, "Machine Unlearning in Contrastive Learning") as reconstructed in ALGORITHMS.md: raise the
/// forget loss while constraining its gradient norm to what non-members show, so forget samples look like
/// non-members: L = −L_task(θ; B_f) + λ (‖∇θ L_task(θ; B_f)‖ − c)².
///
/// ∇L = −g + 2λ(‖g‖ − c) · H ĝ with g = ∇L_task and ĝ = g/‖g‖; the Hessian-vector product comes from central
/// differences of gradients, H ĝ ≈ [∇L_task(θ + εĝ) − ∇L_task(θ − εĝ)] / 2ε.
public struct GradientConstraint: UnlearningMethod {
    public enum Task: String, Codable, Sendable {
        /// Cross-entropy (supervised models).
        case supervised
        /// NT-Xent over two augmented views (SimCLR-style encoders).
        case contrastive
    }

    public struct Configuration: Codable, Equatable, Sendable {
        public var lambda: Float = 1
        public var epochs = 2
        public var learningRate: Float = 1e-4
        public var batchSize = 128
        public var task = Task.supervised
        public var epsilon: Float = 1e-3
        public var temperature: Float = 0.5
        /// Target gradient norm; nil measures it once on held-out (non-member) data, falling back to 0.
        public var targetNorm: Float?
        public init() {}
    }

    public var configuration: Configuration
    public var name: MethodName { .gc }
    public var configurationSummary: String {
        let c = configuration
        return "λ \(c.lambda), \(c.task.rawValue), epochs \(c.epochs), Adam lr \(c.learningRate), ε \(c.epsilon)"
    }

    public init(configuration: Configuration = Configuration()) { self.configuration = configuration }

    public func unlearn(_ original: Sequential, task: UnlearningTask, rng: inout SeededGenerator,
                        progress: PhaseProgress?) throws -> Sequential {
        let c = configuration
        let model = original.clone()
        let augmentation = Augmentation.contrastive(normalization: task.normalization)
        let target = c.targetNorm ?? measureHeldOutNorm(model, task: task, rng: &rng)
        var optimizer = Adam()
        for epoch in 0..<c.epochs {
            let order = EpochOrder(shuffling: task.forget, batchSize: c.batchSize, rng: &rng)
            for (index, positions) in order.enumerated() {
                var (images, labels) = task.batch(positions)
                if c.task == .contrastive {
                    let first = augmentation.view(of: images, rng: &rng)
                    images = Tensor.concatenated([first, augmentation.view(of: images, rng: &rng)])
                }
                let lossGradient = { () -> Void in self.taskGradient(model, images: images, labels: labels) }
                lossGradient()
                let g = model.parameters.gradients
                let norm = Float(g.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot())
                var total = g.map { -$0 }
                if norm > 0 && c.lambda != 0 {
                    let direction = g.map { $0 / norm }
                    let hv = hessianVectorProduct(model, direction: direction, epsilon: c.epsilon, gradient: lossGradient)
                    let coefficient = 2 * c.lambda * (norm - target)
                    for i in total.indices { total[i] += coefficient * hv[i] }
                }
                model.parameters.gradients = total
                optimizer.step(model.parameters, learningRate: c.learningRate)
                progress?("gradient constraint", (Double(epoch) + Double(index + 1) / Double(order.count)) / Double(c.epochs))
            }
        }
        try Steps.checkFinite(model, method: name, phase: "gradient-constraint training")
        return model
    }

    /// Leaves ∇L_task of the batch in the model's gradients.
    func taskGradient(_ model: Sequential, images: Tensor, labels: [Int32]) {
        switch configuration.task {
        case .supervised:
            Steps.crossEntropyGradient(model, images: images, labels: labels)
        case .contrastive:
            model.parameters.zeroGradients()
            let features = model.forward(images, mode: .training).features
            model.backward(dLogits: nil,
                           dFeatures: ContrastiveLoss.ntXent(views: features, temperature: configuration.temperature).gradient)
        }
    }

    /// Mean gradient norm of the task loss on held-out batches (non-members): the norm forget samples should show.
    func measureHeldOutNorm(_ model: Sequential, task: UnlearningTask, rng: inout SeededGenerator) -> Float {
        guard !task.heldOut.isEmpty else { return 0 }
        var norms: [Float] = []
        for positions in EpochOrder(ordered: Array(task.heldOut.prefix(8 * configuration.batchSize)),
                                    batchSize: configuration.batchSize) {
            let (images, labels) = task.batch(positions)
            var views = images
            if configuration.task == .contrastive {
                let augmentation = Augmentation.contrastive(normalization: task.normalization)
                views = Tensor.concatenated([augmentation.view(of: images, rng: &rng),
                                             augmentation.view(of: images, rng: &rng)])
            }
            taskGradient(model, images: views, labels: labels)
            norms.append(Float(model.parameters.gradients.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()))
        }
        return norms.reduce(0, +) / Float(norms.count)
    }
}

/// H v ≈ [∇L(θ + εv) − ∇L(θ − εv)] / 2ε for a unit vector v, where `gradient` leaves ∇L in the model's gradients.
/// The weights are restored exactly afterwards.
public func hessianVectorProduct(_ model: Sequential, direction v: [Float], epsilon: Float,
                                 gradient: () -> Void) -> [Float] {
    let parameters = model.parameters
    let saved = parameters.values
    for i in v.indices { parameters.values[i] = saved[i] + epsilon * v[i] }
    gradient()
    let up = parameters.gradients
    for i in v.indices { parameters.values[i] = saved[i] - epsilon * v[i] }
    gradient()
    let down = parameters.gradients
    parameters.values = saved
    let scale = 1 / (2 * epsilon)
    return (0..<v.count).map { (up[$0] - down[$0]) * scale }
}
