using System.Security.Cryptography;
using WaCluster.Signal.Messages;
using WaCluster.Signal.Tests.Support;
using WaCluster.TestSupport;

namespace WaCluster.Signal.Tests.Sessions;

/// <summary>1:1 sessions between our code and libsignal-node 6.0.0, both directions.</summary>
[Trait("Proof", "signal-interop")]
public sealed class SessionInteropTests : IAsyncLifetime
{
    // How each side addresses the other.
    private const string OursAtTheirs = "ours.1";
    private static readonly ProtocolAddress TheirsAtOurs = new("theirs", 1);

    private NodeHarness _node = null!;

    public async Task InitializeAsync() => _node = await NodeHarness.StartAsync();

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task We_start_from_a_libsignal_bundle_and_both_sides_talk(bool withOneTimePreKey)
    {
        var us = await OurDevice.CreateAsync();
        var them = await LibsignalPeer.CreateAsync(_node);
        await us.ProcessBundleAsync(TheirsAtOurs, them.Bundle(withOneTimePreKey ? 1 : null));

        // Until they answer, every message repeats the pre-key header.
        var opening = Plaintexts(3);
        var sent = await EncryptAllAsync(us, opening);
        Assert.All(sent, m => Assert.Equal("pkmsg", m.Type));
        AssertDecrypted(opening, await them.DecryptAsync(OursAtTheirs, sent));
        if (withOneTimePreKey)
        {
            Assert.False(await them.HasPreKeyAsync(them.Info.PreKeys[1].KeyId));
        }
        Assert.True(await them.HasPreKeyAsync(them.Info.PreKeys[0].KeyId));

        var replies = Plaintexts(3);
        var theirReplies = await them.EncryptAsync(OursAtTheirs, replies);
        Assert.All(theirReplies, m => Assert.Equal("msg", m.Type));
        await AssertWeDecryptAsync(us, theirReplies, replies);

        var after = Plaintexts(2);
        var ours = await EncryptAllAsync(us, after);
        Assert.All(ours, m => Assert.Equal("msg", m.Type));
        AssertDecrypted(after, await them.DecryptAsync(OursAtTheirs, ours));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Libsignal_starts_from_our_bundle_and_both_sides_talk(bool withOneTimePreKey)
    {
        var us = await OurDevice.CreateAsync();
        var them = await LibsignalPeer.CreateAsync(_node);
        var preKey = withOneTimePreKey ? us.PreKeys[2] : null;
        await them.ProcessBundleAsync(OursAtTheirs, us, preKey);

        var opening = Plaintexts(3);
        var sent = await them.EncryptAsync(OursAtTheirs, opening);
        Assert.All(sent, m => Assert.Equal("pkmsg", m.Type));
        await AssertWeDecryptAsync(us, sent, opening);
        if (preKey is not null)
        {
            Assert.Null(await us.Store.LoadPreKeyAsync(preKey.Id));
        }
        Assert.Equal(withOneTimePreKey ? 3 : 4, us.Store.PreKeys.Count);
        Assert.Equal(them.IdentityKey, await us.Store.GetIdentityAsync(TheirsAtOurs));

        var replies = Plaintexts(4);
        var ours = await EncryptAllAsync(us, replies);
        Assert.All(ours, m => Assert.Equal("msg", m.Type));
        AssertDecrypted(replies, await them.DecryptAsync(OursAtTheirs, ours));

        var more = Plaintexts(2);
        var theirs = await them.EncryptAsync(OursAtTheirs, more);
        Assert.All(theirs, m => Assert.Equal("msg", m.Type));
        await AssertWeDecryptAsync(us, theirs, more);
    }

    [Fact]
    public async Task A_thousand_messages_in_random_directions_all_decrypt_on_both_sides()
    {
        var (us, them) = await EstablishedAsync();
        var random = new Random(20261127);
        var sent = 0;
        while (sent < 1000)
        {
            // A run of messages one way, then the other way: every change of direction is a ratchet step.
            var run = Math.Min(1 + random.Next(6), 1000 - sent);
            var plaintexts = Enumerable.Range(0, run).Select(_ => RandomNumberGenerator.GetBytes(random.Next(0, 300))).ToArray();
            if (random.Next(2) == 0)
            {
                AssertDecrypted(plaintexts, await them.DecryptAsync(OursAtTheirs, await EncryptAllAsync(us, plaintexts)));
            }
            else
            {
                await AssertWeDecryptAsync(us, await them.EncryptAsync(OursAtTheirs, plaintexts), plaintexts);
            }
            sent += run;
        }
    }

    [Fact]
    public async Task Out_of_order_messages_inside_the_window_decrypt_including_across_ratchet_steps()
    {
        var (us, them) = await EstablishedAsync();
        var random = new Random(7);

        // Theirs to ours: two chains (a ratchet step between), delivered shuffled across both.
        var firstChain = Plaintexts(20);
        var theirFirst = await them.EncryptAsync(OursAtTheirs, firstChain);
        var ping = Plaintexts(1);
        AssertDecrypted(ping, await them.DecryptAsync(OursAtTheirs, await EncryptAllAsync(us, ping)));
        var secondChain = Plaintexts(20);
        var theirSecond = await them.EncryptAsync(OursAtTheirs, secondChain);
        var all = theirFirst.Zip(firstChain).Concat(theirSecond.Zip(secondChain)).OrderBy(_ => random.Next()).ToArray();
        foreach (var (message, plaintext) in all)
        {
            Assert.Equal(plaintext, await us.DecryptAsync(TheirsAtOurs, message.Kind, message.Bytes));
        }

        // Ours to theirs, the same shape.
        var ourFirstPlain = Plaintexts(20);
        var ourFirst = await EncryptAllAsync(us, ourFirstPlain);
        var pong = Plaintexts(1);
        await AssertWeDecryptAsync(us, await them.EncryptAsync(OursAtTheirs, pong), pong);
        var ourSecondPlain = Plaintexts(20);
        var ourSecond = await EncryptAllAsync(us, ourSecondPlain);
        var shuffled = ourFirst.Zip(ourFirstPlain).Concat(ourSecond.Zip(ourSecondPlain)).OrderBy(_ => random.Next()).ToArray();
        AssertDecrypted(shuffled.Select(p => p.Second).ToArray(), await them.DecryptAsync(OursAtTheirs, shuffled.Select(p => p.First)));
    }

    [Fact]
    public async Task A_message_too_far_ahead_is_rejected_on_both_sides_at_the_same_bound_and_changes_nothing()
    {
        var (us, them) = await EstablishedAsync();

        // A fresh chain starts at counter 0: both accept counter 1999 (2,000 keys) and refuse counter 2000.
        var theirs = await them.EncryptAsync(OursAtTheirs, Enumerable.Range(0, 2001).Select(i => BitConverter.GetBytes(i)));
        var tooFar = theirs[2000];
        await Assert.ThrowsAsync<MessageTooFarInFutureException>(() => us.DecryptAsync(TheirsAtOurs, tooFar.Kind, tooFar.Bytes));
        Assert.Equal(BitConverter.GetBytes(1999), await us.DecryptAsync(TheirsAtOurs, theirs[1999].Kind, theirs[1999].Bytes));
        Assert.Equal(BitConverter.GetBytes(0), await us.DecryptAsync(TheirsAtOurs, theirs[0].Kind, theirs[0].Bytes));
        Assert.Equal(BitConverter.GetBytes(2000), await us.DecryptAsync(TheirsAtOurs, tooFar.Kind, tooFar.Bytes));

        var ours = new List<WireMessage>();
        for (var i = 0; i < 2001; i++)
        {
            ours.Add(WireMessage.From(await us.EncryptAsync(TheirsAtOurs, BitConverter.GetBytes(i))));
        }
        var results = await them.DecryptAsync(OursAtTheirs, [ours[2000], ours[1999], ours[0], ours[2000]]);
        Assert.NotNull(results[0].Error);
        Assert.Equal(Convert.ToBase64String(BitConverter.GetBytes(1999)), results[1].Plaintext);
        Assert.Equal(Convert.ToBase64String(BitConverter.GetBytes(0)), results[2].Plaintext);
        Assert.Equal(Convert.ToBase64String(BitConverter.GetBytes(2000)), results[3].Plaintext);
    }

    [Fact]
    public async Task Duplicates_are_detected_on_both_sides_for_msg_and_pkmsg()
    {
        var us = await OurDevice.CreateAsync();
        var them = await LibsignalPeer.CreateAsync(_node);
        await them.ProcessBundleAsync(OursAtTheirs, us, us.PreKeys[0]);
        var pkmsg = (await them.EncryptAsync(OursAtTheirs, Plaintexts(1)))[0];
        await us.DecryptAsync(TheirsAtOurs, pkmsg.Kind, pkmsg.Bytes);
        var before = us.Store.Sessions[TheirsAtOurs];
        await Assert.ThrowsAsync<DuplicateMessageException>(() => us.DecryptAsync(TheirsAtOurs, pkmsg.Kind, pkmsg.Bytes));
        Assert.Same(before, us.Store.Sessions[TheirsAtOurs]);

        var theirs = await them.EncryptAsync(OursAtTheirs, Plaintexts(3));
        foreach (var message in theirs)
        {
            await us.DecryptAsync(TheirsAtOurs, message.Kind, message.Bytes);
        }
        foreach (var message in theirs)
        {
            await Assert.ThrowsAsync<DuplicateMessageException>(() => us.DecryptAsync(TheirsAtOurs, message.Kind, message.Bytes));
        }

        var ours = await EncryptAllAsync(us, Plaintexts(2));
        var results = await them.DecryptAsync(OursAtTheirs, [ours[0], ours[1], ours[1], ours[0]]);
        Assert.NotNull(results[0].Plaintext);
        Assert.NotNull(results[1].Plaintext);
        Assert.NotNull(results[2].Error);
        Assert.NotNull(results[3].Error);

        // Our pkmsg repeated: libsignal reports the used key (MessageCounterError) rather than a new session.
        var fresh = await OurDevice.CreateAsync();
        var peer = await LibsignalPeer.CreateAsync(_node);
        await fresh.ProcessBundleAsync(TheirsAtOurs, peer.Bundle(0));
        var ourPkmsg = WireMessage.From(await fresh.EncryptAsync(TheirsAtOurs, Plaintexts(1)[0]));
        var twice = await peer.DecryptAsync(OursAtTheirs, [ourPkmsg, ourPkmsg]);
        Assert.NotNull(twice[0].Plaintext);
        Assert.Equal("MessageCounterError", twice[1].Error);
    }

    [Fact]
    public async Task A_reinstalled_libsignal_peer_replaces_our_open_session_and_its_older_messages_still_decrypt()
    {
        var (us, old) = await EstablishedAsync();
        var inFlightPlain = Plaintexts(3);
        var inFlight = await old.EncryptAsync(OursAtTheirs, inFlightPlain);

        var reinstalled = await LibsignalPeer.CreateAsync(_node);
        await reinstalled.ProcessBundleAsync(OursAtTheirs, us, us.PreKeys[1]);
        var openingPlain = Plaintexts(2);
        await AssertWeDecryptAsync(us, await reinstalled.EncryptAsync(OursAtTheirs, openingPlain), openingPlain);
        var record = us.Store.Sessions[TheirsAtOurs];
        Assert.Equal(1, record.ArchivedSessionCount);
        Assert.Equal(reinstalled.IdentityKey, record.RemoteIdentityKey);

        await AssertWeDecryptAsync(us, inFlight, inFlightPlain);
        Assert.Equal(reinstalled.IdentityKey, us.Store.Sessions[TheirsAtOurs].RemoteIdentityKey);

        // Our replies go to the new installation only.
        var replies = Plaintexts(2);
        var ours = await EncryptAllAsync(us, replies);
        AssertDecrypted(replies, await reinstalled.DecryptAsync(OursAtTheirs, ours));
        var stale = await old.DecryptAsync(OursAtTheirs, ours);
        Assert.All(stale, r => Assert.NotNull(r.Error));

        // The open session was not disturbed by decrypting with the archived one.
        var later = Plaintexts(3);
        await AssertWeDecryptAsync(us, await reinstalled.EncryptAsync(OursAtTheirs, later), later);
    }

    [Fact]
    public async Task When_we_reinstall_libsignal_replaces_its_session_and_still_decrypts_our_older_messages()
    {
        var them = await LibsignalPeer.CreateAsync(_node);
        var oldUs = await OurDevice.CreateAsync();
        await oldUs.ProcessBundleAsync(TheirsAtOurs, them.Bundle(0));
        var opening = Plaintexts(1);
        AssertDecrypted(opening, await them.DecryptAsync(OursAtTheirs, await EncryptAllAsync(oldUs, opening)));
        var reply = Plaintexts(1);
        await AssertWeDecryptAsync(oldUs, await them.EncryptAsync(OursAtTheirs, reply), reply);
        var inFlightPlain = Plaintexts(3);
        var inFlight = await EncryptAllAsync(oldUs, inFlightPlain);

        var newUs = await OurDevice.CreateAsync();
        await newUs.ProcessBundleAsync(TheirsAtOurs, them.Bundle(1));
        var fresh = Plaintexts(2);
        AssertDecrypted(fresh, await them.DecryptAsync(OursAtTheirs, await EncryptAllAsync(newUs, fresh)));
        var answer = Plaintexts(2);
        await AssertWeDecryptAsync(newUs, await them.EncryptAsync(OursAtTheirs, answer), answer);
        var info = await them.SessionInfoAsync(OursAtTheirs);
        Assert.Equal(2, info.Sessions);
        Assert.True(info.Open);

        // libsignal finds the archived session for the old installation's messages. (It tries its open session
        // first and keeps what that failed attempt changed, so its new session is unusable afterwards: that is
        // where libsignal stops allowing more; our cipher only ever keeps the session that decrypted.)
        AssertDecrypted(inFlightPlain, await them.DecryptAsync(OursAtTheirs, inFlight));
        Assert.Equal(2, (await them.SessionInfoAsync(OursAtTheirs)).Sessions);
    }

    private async Task<(OurDevice Us, LibsignalPeer Them)> EstablishedAsync()
    {
        var us = await OurDevice.CreateAsync();
        var them = await LibsignalPeer.CreateAsync(_node);
        await us.ProcessBundleAsync(TheirsAtOurs, them.Bundle(0));
        var hello = Plaintexts(1);
        AssertDecrypted(hello, await them.DecryptAsync(OursAtTheirs, await EncryptAllAsync(us, hello)));
        var answer = Plaintexts(1);
        await AssertWeDecryptAsync(us, await them.EncryptAsync(OursAtTheirs, answer), answer);
        return (us, them);
    }

    private static async Task<WireMessage[]> EncryptAllAsync(OurDevice us, IEnumerable<byte[]> plaintexts)
    {
        var messages = new List<WireMessage>();
        foreach (var plaintext in plaintexts)
        {
            messages.Add(WireMessage.From(await us.EncryptAsync(TheirsAtOurs, plaintext)));
        }
        return [.. messages];
    }

    private static async Task AssertWeDecryptAsync(OurDevice us, WireMessage[] messages, byte[][] expected)
    {
        Assert.Equal(expected.Length, messages.Length);
        for (var i = 0; i < messages.Length; i++)
        {
            Assert.Equal(expected[i], await us.DecryptAsync(TheirsAtOurs, messages[i].Kind, messages[i].Bytes));
        }
    }

    private static void AssertDecrypted(byte[][] expected, DecryptResult[] results)
    {
        Assert.Equal(expected.Length, results.Length);
        for (var i = 0; i < results.Length; i++)
        {
            Assert.True(results[i].Plaintext is not null, $"libsignal failed message {i}: {results[i].Error} {results[i].Message}");
            Assert.Equal(Convert.ToBase64String(expected[i]), results[i].Plaintext);
        }
    }

    private static byte[][] Plaintexts(int count) =>
        Enumerable.Range(0, count).Select(i => RandomNumberGenerator.GetBytes(1 + RandomNumberGenerator.GetInt32(200))).ToArray();
}
