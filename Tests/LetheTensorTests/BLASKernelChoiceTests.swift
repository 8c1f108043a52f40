import Testing
@testable import LetheTensor

@Suite struct BLASKernelChoiceTests {
    let avx512: Set<String> = ["sse3", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512dq", "avx512vl"]

    @Test func aFallbackCoreOnAnAVX512CPUGetsSkylakeX() {
        #expect(BLASKernelChoice.recommendedCoreType(loadedCore: "Prescott", cpuFlags: avx512, environment: [:])
                == "SkylakeX")
    }

    @Test func anAVX512CPUWithBF16GetsCooperlake() {
        #expect(BLASKernelChoice.recommendedCoreType(loadedCore: "Prescott", cpuFlags: avx512.union(["avx512_bf16"]),
                                                     environment: [:]) == "Cooperlake")
    }

    @Test func anAVX2OnlyCPUGetsHaswell() {
        #expect(BLASKernelChoice.recommendedCoreType(loadedCore: "Prescott", cpuFlags: ["avx2", "fma", "avx"],
                                                     environment: [:]) == "Haswell")
    }

    @Test func aRecognisedCoreAUserChoiceOrAnOldCPUIsLeftAlone() {
        #expect(BLASKernelChoice.recommendedCoreType(loadedCore: "Zen", cpuFlags: avx512, environment: [:]) == nil)
        #expect(BLASKernelChoice.recommendedCoreType(loadedCore: "Prescott", cpuFlags: avx512,
                                                     environment: ["OPENBLAS_CORETYPE": "Prescott"]) == nil)
        #expect(BLASKernelChoice.recommendedCoreType(loadedCore: "Prescott", cpuFlags: ["sse3", "avx"],
                                                     environment: [:]) == nil)
    }

    @Test func flagsAreReadFromTheFirstProcessor() {
        let cpuinfo = "processor\t: 0\nmodel name\t: Xeon\nflags\t\t: fpu sse3 avx2 fma\n\nprocessor\t: 1\nflags\t\t: fpu\n"
        #expect(BLASKernelChoice.cpuFlags(cpuinfo: cpuinfo) == ["fpu", "sse3", "avx2", "fma"])
        #expect(BLASKernelChoice.cpuFlags(cpuinfo: "processor\t: 0\n").isEmpty)
    }
}

@Suite struct BLASThreadTimeoutTests {
    @Test func aMultiThreadedOpenBLASGetsAShortSpin() {
        #expect(BLASThreadTimeout.recommended(environment: [:], blasThreads: 2) == "20")
    }

    @Test func aUserChoiceOrASingleThreadIsLeftAlone() {
        #expect(BLASThreadTimeout.recommended(environment: ["OPENBLAS_THREAD_TIMEOUT": "28"], blasThreads: 2) == nil)
        #expect(BLASThreadTimeout.recommended(environment: [:], blasThreads: 1) == nil)
    }
}
