/** The cluster tier starts no shared server (each file starts its own cluster); it only ignores the machine's profiles. */
import { isolateFromTemporalProfiles } from '../helpers/isolate-profiles';

export default isolateFromTemporalProfiles;
