namespace OrleansLog.Schemas;

/// <summary>
/// Which earlier versions of a subject a new version must stay compatible with, and in which direction; Confluent's names.
/// Backward: readers using the new schema read data written with the old. Forward: readers using the old schema read data written with the new.
/// </summary>
public enum CompatibilityLevel
{
    /// <summary>No check.</summary>
    None,

    /// <summary>The new schema reads data written with the latest version (the registry's default).</summary>
    Backward,

    /// <summary>The new schema reads data written with every earlier version.</summary>
    BackwardTransitive,

    /// <summary>The latest version reads data written with the new schema.</summary>
    Forward,

    /// <summary>Every earlier version reads data written with the new schema.</summary>
    ForwardTransitive,

    /// <summary>Backward and forward against the latest version.</summary>
    Full,

    /// <summary>Backward and forward against every earlier version.</summary>
    FullTransitive,
}

/// <summary>What writes the registry or a subject accepts; Confluent's modes.</summary>
public enum RegistryMode
{
    /// <summary>Registrations and deletes are accepted (the default).</summary>
    ReadWrite,

    /// <summary>Only reads are served; registrations and deletes are refused.</summary>
    ReadOnly,

    /// <summary>Registrations may give their own id and version (to copy another registry); compatibility is not checked.</summary>
    Import,
}
