import ArgumentParser
import LetheTransport

/// How long a node waits on a silent connection before ZeroMQ drops it (`lethe coordinator`, `lethe client`).
///
/// Why configurable, and why 10 s rather than libzmq-style seconds: ZeroMQ times a connection out when *no traffic at
/// all* arrives for this long after a ping, and on a slow, lossy link one model (1.7 MB) can take that long to cross
/// with TCP backing off between retransmissions (at 50 ms each way and 1 % loss, the multi-host test saw a 3 s timeout
/// drop a client mid-verification, which then said Hello again and was sent the model twice).
struct LinkTimingOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Seconds of silence after a ZeroMQ ping before the connection is dropped and made again.",
                               discussion: "Keep it above the time one model takes to cross the slowest link "
                                   + "(1.7 MB / bandwidth) on lossy networks."))
    var zmtpHeartbeatTimeout = 10.0

    func validate() throws {
        guard zmtpHeartbeatTimeout >= 1, zmtpHeartbeatTimeout <= 3600 else {
            throw ValidationError("--zmtp-heartbeat-timeout must be between 1 and 3600 seconds")
        }
    }

    func apply(to options: inout SocketOptions) {
        options.heartbeatTimeoutMilliseconds = Int32((zmtpHeartbeatTimeout * 1000).rounded())
    }
}
