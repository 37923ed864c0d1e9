using Google.Protobuf;
using WaCluster.Signal.Keys;
using WaCluster.Signal.Stores;

namespace WaCluster.Actors.Accounts;

/// <summary>
/// Folds an account's Signal changes, in journal order, into one change with the last value of every record (a
/// removal stays a removal): applied to an empty store it gives exactly what applying them all one by one gives. The
/// account keeps the fold instead of the list at each snapshot, so memory and recovery per account stay bounded.
/// </summary>
internal static class SignalChangeCompaction
{
    // The fold only writes records into the transaction; the backing store's own identity is never read.
    private static readonly IdentityKeyPair UnusedIdentity = IdentityKeyPair.Generate();

    public static ByteString Fold(IReadOnlyList<ByteString> changes)
    {
        var folded = new SignalStoreTransaction(new InMemorySignalProtocolStore(UnusedIdentity, 0));
        foreach (var change in changes)
        {
            // In-memory stores complete every call synchronously: nothing here waits.
            SignalStateChange.Parse(change.Span).ApplyAsync(folded).GetAwaiter().GetResult();
        }
        return ByteString.CopyFrom(folded.ToChange().ToByteArray());
    }
}
