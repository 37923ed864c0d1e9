namespace WaCluster.Cli;

/// <summary>Process exit codes, distinct per failure so that scripts can react to each.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Usage = 1;
    public const int Unreachable = 2;
    public const int Unauthorized = 3;
    public const int NotFound = 4;
    public const int Rejected = 5;
    public const int Failed = 6;
    public const int Timeout = 7;
}
