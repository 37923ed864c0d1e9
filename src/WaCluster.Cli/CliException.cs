namespace WaCluster.Cli;

/// <summary>A command that failed for a reason the operator should read, with the exit code it ends with.</summary>
public sealed class CliException(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
