using WaCluster.Core;
using WaCluster.Core.Events;
using WaCluster.Core.Stanzas;
using WaCluster.Engine.Contacts;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Jids;

namespace WaCluster.Engine;

public sealed partial class AccountEngine
{
    private readonly KnownContacts _knownContacts = new();

    /// <summary>Announces what is new among <paramref name="seen"/> as one contacts.upsert (nothing when all is known). Never ourselves.</summary>
    internal void LearnContacts(IEnumerable<ContactInfo> seen)
    {
        var me = Creds.Me is { } contact ? Jid.Parse(contact.Id) : default;
        var news = seen.Where(c => (c.Id.IsPnUser || c.Id.IsLid) && (me.IsEmpty || !c.Id.IsSameUser(me))).Select(_knownContacts.Merge).OfType<ContactInfo>().ToArray();
        if (news.Length > 0) Emit(new ContactsUpsert(news));
    }
}
