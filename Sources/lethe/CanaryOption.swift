import ArgumentParser
import LetheData

/// `--canary none | target:N[,size:K][,seed:S]`, as `lethe unlearn`, `simulate` and `client` take it.
enum CanaryOption {
    /// The parsed canary (nil for `none`), checked against Fashion-MNIST's classes and image size, so a bad value
    /// is refused before any data is loaded.
    static func parse(_ text: String) throws -> Canary? {
        do {
            let canary = try Canary.parse(text)
            try canary?.validate(classCount: FashionMNIST.classCount, height: 28, width: 28)
            return canary
        } catch {
            throw ValidationError("--canary: \(error)")
        }
    }
}
