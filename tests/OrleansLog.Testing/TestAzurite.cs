
namespace OrleansLog.Testing;

/// <summary>One Azurite per test process, in memory on free loopback ports, started on first use and stopped when the process exits.</summary>
public static class TestAzurite
{
    private static readonly Lazy<Task<AzuriteEmulator>> Instance = new(StartAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Returns the shared emulator, starting it (and installing Azurite) on first use.</summary>
    public static Task<AzuriteEmulator> GetAsync() => Instance.Value;

    /// <summary>Returns a new valid, unique container name starting with (a cleaned-up) <paramref name="prefix"/>, so tests sharing the emulator never see each other's blobs.</summary>
    public static string NewContainerName(string prefix)
    {
        // Container names: 3-63 of [a-z0-9-], starting and ending with a letter or digit, no "--".
        var cleaned = new System.Text.StringBuilder(prefix.Length);
        foreach (var c in prefix.ToLowerInvariant())
        {
            if (char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c))
            {
                cleaned.Append(c);
            }
            else if (cleaned.Length > 0 && cleaned[^1] != '-')
            {
                cleaned.Append('-');
            }
        }

        var head = cleaned.ToString().Trim('-');
        if (head.Length > 30)
        {
            head = head[..30].TrimEnd('-');
        }

        return (head.Length == 0 ? "t" : head) + "-" + Guid.NewGuid().ToString("N");
    }

    // Stopping needs no hook here: the emulator kills Azurite on process exit, and Azurite's wrapper
    // stops it by itself if this process dies without running exit handlers.
    private static Task<AzuriteEmulator> StartAsync() =>
        AzuriteEmulator.StartAsync(new AzuriteEmulatorOptions { InMemoryPersistence = true, StartTimeout = TimeSpan.FromSeconds(90) });
}
