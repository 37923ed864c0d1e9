using Microsoft.Extensions.Logging;

namespace WaCluster.Node.Management.Logs;

/// <summary>One captured log line; <see cref="Account"/> is the account whose actor logged it, when known.</summary>
public sealed record LogLine(long Sequence, DateTimeOffset Timestamp, LogLevel Level, string Source, string? Account, string Message);
