import type { Metadata } from "next";
import { ClusterPage } from "@/components/clusters/cluster-page";

export async function generateMetadata({ params }: { params: Promise<{ name: string }> }): Promise<Metadata> {
  const { name } = await params;
  return { title: decodeURIComponent(name) };
}

export default async function Page({ params }: { params: Promise<{ name: string }> }) {
  const { name } = await params;
  return <ClusterPage name={decodeURIComponent(name)} />;
}
