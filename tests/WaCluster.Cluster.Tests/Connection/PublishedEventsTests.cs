using System.Runtime.CompilerServices;
using WaCluster.Actors.Connection;
using WaCluster.Contracts.Proto;
using WaCluster.Core.Events;
using WaCluster.Protocol.Jids;

namespace WaCluster.Cluster.Tests.Connection;

/// <summary>What the engine reports reaches subscribers as a contract event, or is named as not published, never dropped unseen.</summary>
[Trait("Proof", "cluster-engine")]
public sealed class PublishedEventsTests
{
    [Fact]
    public void Contacts_the_engine_learns_are_published_with_push_name_and_lid()
    {
        var upsert = new ContactsUpsert(
        [
            new ContactInfo(Jid.Parse("15550001111@s.whatsapp.net"), Notify: "Alice", Lid: Jid.Parse("123456789012345@lid")),
            new ContactInfo(Jid.Parse("15550002222@s.whatsapp.net")),
        ]);

        var published = Assert.IsType<ContactsChanged>(Assert.Single(PublishedEvents.From("shop1", upsert)!));

        Assert.Equal("shop1", published.AccountId);
        Assert.Equal(["15550001111@s.whatsapp.net", "15550002222@s.whatsapp.net"], published.Contacts.Select(c => c.Jid));
        Assert.Equal(["Alice", ""], published.Contacts.Select(c => c.PushName));
        Assert.Equal(["123456789012345@lid", ""], published.Contacts.Select(c => c.LidJid));
    }

    [Fact]
    public void A_history_chunk_is_published_with_its_chats_contacts_and_messages()
    {
        var message = new WaCluster.Protocol.Proto.WebMessageInfo
        {
            Key = new WaCluster.Protocol.Proto.MessageKey { RemoteJid = "15550001111@s.whatsapp.net", Id = "3EB0AA" },
            Message = new WaCluster.Protocol.Proto.Message { Conversation = "hi" },
        };
        var chunk = new HistorySynced(WaCluster.Protocol.Proto.HistorySync.Types.HistorySyncType.Recent, 2, 40,
            [new HistoryChat(Jid.Parse("120363000000000001@g.us"), "Team", 3, DateTimeOffset.FromUnixTimeSeconds(1_700_000_000))],
            [new ContactInfo(Jid.Parse("15550001111@s.whatsapp.net"), Notify: "Alice")],
            [message]);

        var published = Assert.IsType<HistoryChunkSynced>(Assert.Single(PublishedEvents.From("shop1", chunk)!));

        Assert.Equal(("shop1", 3u, 2u, 40u), (published.AccountId, published.SyncType, published.ChunkOrder, published.Progress));
        var chat = Assert.Single(published.Chats);
        Assert.Equal(("120363000000000001@g.us", "Team", 3u, 1_700_000_000L), (chat.Jid, chat.Name, chat.UnreadCount, chat.LastMessageUnixSeconds));
        Assert.Equal(("15550001111@s.whatsapp.net", "Alice"), (published.Contacts[0].Jid, published.Contacts[0].PushName));
        Assert.Equal("hi", WaCluster.Protocol.Proto.WebMessageInfo.Parser.ParseFrom(Assert.Single(published.Messages)).Message.Conversation);
    }

    [Fact]
    public void A_learned_pn_lid_pair_is_published_with_both_forms()
    {
        var learned = new Core.Events.LidMappingUpdated(Jid.Parse("15550001111@s.whatsapp.net"), Jid.Parse("123456789012345@lid"));

        var published = Assert.IsType<global::WaCluster.Contracts.Proto.LidMappingUpdated>(Assert.Single(PublishedEvents.From("shop1", learned)!));

        Assert.Equal(("shop1", "15550001111@s.whatsapp.net", "123456789012345@lid"), (published.AccountId, published.PnJid, published.LidJid));
    }

    [Fact]
    public void Every_kind_of_engine_event_is_known_to_the_table()
    {
        var kinds = typeof(EngineEvent).Assembly.GetTypes()
            .Where(type => type.IsSubclassOf(typeof(EngineEvent)) && !type.IsAbstract).ToList();
        Assert.NotEmpty(kinds);
        foreach (var kind in kinds)
        {
            // Only whether the table has an arm for the kind matters here; an empty instance may fail inside that arm.
            // Participant changes are published per action: a known one stands for the kind.
            var empty = kind == typeof(GroupParticipantsUpdate)
                ? new GroupParticipantsUpdate(Jid.Parse("120363000000000001@g.us"), null, [], "add")
                : (EngineEvent)RuntimeHelpers.GetUninitializedObject(kind);
            var known = true;
            try
            {
                known = PublishedEvents.From("shop1", empty) is not null;
            }
            catch (Exception e) when (e is NullReferenceException or ArgumentNullException)
            {
            }
            Assert.True(known, $"{kind.Name} is neither published nor named as not published");
        }
    }
}
