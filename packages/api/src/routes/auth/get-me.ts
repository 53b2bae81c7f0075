import { z } from "zod";
import { viewerProcedure } from "../../trpc";

export const ZMe = z.object({ id: z.string(), email: z.string(), name: z.string(), role: z.enum(["viewer", "operator", "admin"]), via: z.enum(["session", "token"]) });

export const getMeRoute = viewerProcedure.output(ZMe).query(({ ctx }) => ctx.caller);
