namespace TimeBank.Runtime;

public interface IGrainFactory
{
    /// <summary>A reference to the grain; nothing is activated until the first call.</summary>
    TGrainInterface GetGrain<TGrainInterface>(string key)
        where TGrainInterface : IGrainWithStringKey;
}
