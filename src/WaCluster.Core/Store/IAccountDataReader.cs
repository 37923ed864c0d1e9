namespace WaCluster.Core.Store;

/// <summary>Reads account data entries: the live <see cref="AccountData"/>, or a transaction that sees its own writes first.</summary>
public interface IAccountDataReader
{
    bool TryGet(string kind, string key, out byte[] value);
}
