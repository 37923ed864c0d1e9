using Google.Protobuf;
using WaCluster.Actors.Accounts;
using WaCluster.Contracts.Proto;

namespace WaCluster.Cluster.Tests.Accounts;

[Trait("Proof", "cluster-persistence")]
public sealed class AccountStateTests
{
    [Fact]
    public void A_snapshot_restores_exactly_the_state_the_events_built()
    {
        var state = new AccountState(dedupeCapacity: 3);
        state.Apply(new AccountStarted());
        state.Apply(new CredsStored { Creds = ByteString.CopyFromUtf8("creds") });
        foreach (var id in new[] { "c", "a", "b" })
        {
            state.Apply(new SendIntentStored { Intent = new SendIntent { MessageId = id, ToJid = "1@s.whatsapp.net", Message = ByteString.CopyFromUtf8(id) } });
        }
        state.Apply(new SendIntentCompleted { MessageId = "a" });
        state.Apply(new SignalStateStored { SignalChange = ByteString.CopyFromUtf8("s"), ReceivedKeys = { "1@s.whatsapp.net|in" } });
        state.Apply(new InboundStored { Message = new MessageReceived { MessageId = "in", Text = "hello" } });
        state.Apply(new SignalStateStored { SignalChange = ByteString.CopyFromUtf8("t"), ReceivedKeys = { "1@s.whatsapp.net|x" } });

        var restored = new AccountState(dedupeCapacity: 3);
        restored.Apply(state.ToSnapshot());

        Assert.Equal(state.ToSnapshot(), restored.ToSnapshot());
        Assert.Equal(["c", "b"], restored.Outbox.Select(intent => intent.MessageId));
        Assert.Equal("creds", restored.Creds!.ToStringUtf8());
        Assert.Equal(2, restored.SignalChanges.Count);
        Assert.True(restored.Recent.Contains("in"));
        Assert.Equal(["1@s.whatsapp.net|in", "1@s.whatsapp.net|x"], restored.ReceivedKeys.InOrder);
    }

    [Fact]
    public void The_dedupe_window_forgets_the_oldest_id_first()
    {
        var window = new DedupeWindow(capacity: 2);
        window.Add("1");
        window.Add("2");
        window.Add("2");
        window.Add("3");

        Assert.False(window.Contains("1"));
        Assert.True(window.Contains("2"));
        Assert.True(window.Contains("3"));
        Assert.Equal(["2", "3"], window.InOrder);
    }

    [Fact]
    public void Logging_out_forgets_creds_and_signal_state_but_keeps_the_outbox_for_inspection()
    {
        var state = new AccountState(dedupeCapacity: 8);
        state.Apply(new AccountStarted());
        state.Apply(new CredsStored { Creds = ByteString.CopyFromUtf8("creds") });
        state.Apply(new SignalStateStored { SignalChange = ByteString.CopyFromUtf8("s") });
        state.Apply(new SendIntentStored { Intent = new SendIntent { MessageId = "m" } });

        state.Apply(new AccountLoggedOut());

        Assert.True(state.LoggedOut);
        Assert.Null(state.Creds);
        Assert.Empty(state.SignalChanges);
        Assert.Equal(1, state.OutboxCount);
    }
}
