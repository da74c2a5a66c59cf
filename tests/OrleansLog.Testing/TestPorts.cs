using OrleansLog.Development;

namespace OrleansLog.Testing;

/// <summary>Free loopback ports for the processes a test starts (silos, listeners, emulators).</summary>
public static class TestPorts
{
    /// <summary>
    /// A loopback port nothing listens on, outside the operating system's ephemeral range, and not handed out earlier in this
    /// test process: ports from <c>bind(0)</c> could be taken by another process's outgoing connection before the silo binds
    /// them, and that made a silo fail to start now and then in CI.
    /// </summary>
    public static int Free() => LoopbackPorts.FreePort();
}
