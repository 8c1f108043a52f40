import Foundation
import LetheUnlearning
import Testing
@testable import LetheFederation

@Suite struct ConfigurationTests {
    @Test func defaultsComeFromWSSCLAndRoundTripThroughJSON() throws {
        let configuration = FederationConfiguration()
        #expect(configuration.unlearning.forgettingEpochs == WSSCLConfiguration.forSamplesWithoutTimeBudget.stage1.epochs)
        #expect(configuration.unlearning.forgettingLearningRate == WSSCLConfiguration.forSamples.stage1.learningRate)
        #expect(configuration.unlearning.resolved(for: .wholeClass(3)).forgettingLearningRate
                == WSSCLConfiguration.forClasses.stage1.learningRate)
        #expect(configuration.unlearning.classForgettingLearningRate != configuration.unlearning.forgettingLearningRate)
        #expect(configuration.unlearning.contrastiveEpochs == WSSCLConfiguration.forSamples.stage2.epochs)
        // A whole client: the class stage's length and rate (its clients run the sample reading's targets).
        #expect(configuration.unlearning.resolved(for: .wholeClient).forgettingEpochs
                == WSSCLConfiguration.forClasses.stage1.epochs)
        #expect(configuration.unlearning.resolved(for: .wholeClient).forgettingLearningRate
                == WSSCLConfiguration.forClasses.stage1.learningRate)
        #expect(configuration.unlearning.resolved(for: .samples([1])) == configuration.unlearning)
        #expect(configuration.unlearning.contrastiveLearningRate == WSSCLConfiguration().stage2.learningRate)
        #expect(configuration.unlearning.maskFraction == WSSCLConfiguration().maskFraction)
        let data = try JSONEncoder().encode(configuration)
        #expect(try JSONDecoder().decode(FederationConfiguration.self, from: data) == configuration)
        try configuration.validate()
    }

    @Test func invalidPrivacyIsCaughtBeforeAnyJob() {
        var configuration = FederationConfiguration()
        for epsilon in [0, -1, 150, .nan] {
            configuration.unlearning.privacy = .init(epsilon: epsilon)
            #expect(throws: ConfigurationError.self) { try configuration.validate() }
        }
        for epsilon in [0.5, 2, 8] {
            configuration.unlearning.privacy = .init(epsilon: epsilon)
            #expect(throws: Never.self) { try configuration.validate() }
        }
    }

    /// The statistics request carries the unit σ of the shared calibration: for ε = 2, δ = 1e-5 the reference value
    /// of Tests/Reference/gaussian_mechanism_reference.py, 3.4533844566177656.
    @Test func statisticsRequestCarriesTheCalibratedUnitSigma() throws {
        var unlearning = FederationConfiguration.Unlearning()
        #expect(try FederatedWSSCL(unlearning: unlearning).configureStatistics(modelVersion: 3)
                == .statisticsRequest(modelVersion: 3, noiseSigma: 0))
        unlearning.privacy = .init(epsilon: 2)
        guard case .statisticsRequest(3, let sigma) = try FederatedWSSCL(unlearning: unlearning)
            .configureStatistics(modelVersion: 3) else { Issue.record("not a statistics request"); return }
        #expect(sigma == (try GaussianNoiseScales.unitSigma(epsilon: 2, delta: 1e-5)))
        #expect(abs(sigma / 3.4533844566177656 - 1) < 1e-9)
    }
}
