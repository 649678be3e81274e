namespace TimeBank.Runtime.Internal;

/// <summary>The factory a grain sees: its references carry the grain's activation as their origin.</summary>
internal sealed class ActivationGrainFactory(Activation origin) : IGrainFactory
{
    public TGrainInterface GetGrain<TGrainInterface>(string key)
        where TGrainInterface : IGrainWithStringKey
        => origin.Host.GetGrain<TGrainInterface>(key, origin);
}
