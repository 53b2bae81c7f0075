import type { Metadata } from "next";
import { Suspense } from "react";
import { ClonesPage } from "@/components/clones/clones-page";

export const metadata: Metadata = { title: "Clones" };

export default function Page() {
  return (
    <Suspense>
      <ClonesPage />
    </Suspense>
  );
}
