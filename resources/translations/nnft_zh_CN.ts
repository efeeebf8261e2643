<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>ClusterPage</name>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="175"/>
        <source>SLURM cluster</source>
        <extracomment>Lines of a job&apos;s log shown under the table. Background task keys: the latest poll wins; one submit and one cancel at a time; the latest question whether a Slurm controller answers at all wins. Whose curves ``reference`` is: ``pretrain`` (under a fine-tuning) or ``finetune`` (the same fold&apos;s fine-tuning, under the from-scratch baseline); empty without one. How often Slurm is asked while the page is shown (tests shorten it).</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="202"/>
        <source>The curves of the selected training job appear here once it has finished its first epoch.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="212"/>
        <source>The log of the selected job appears here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="227"/>
        <source>Jobs to submit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="233"/>
        <source>Cluster profiles are saved per user in {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="236"/>
        <source>Save profile…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="241"/>
        <location filename="../../gui/pages/cluster_page.py" line="244"/>
        <source>cluster default</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="248"/>
        <source>GPUs per training job (--gres=gpu:N); 0 trains on the CPU.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="253"/>
        <source>nnU-Net&apos;s -num_gpus: one training on several GPUs (DDP); at most the GPUs per job.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="262"/>
        <source>Per job run, e.g. 24:00:00 or 2-00:00:00. Trainings are requeued and continue beyond it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="267"/>
        <source> s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="269"/>
        <source>How long before the time limit a training is asked to checkpoint and requeue itself (--signal=B:USR1@s); must cover one epoch.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="273"/>
        <source>Fine-tuning folds: 0, 0-4 or 0,1,2 (a job array, one task per fold) or all.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="277"/>
        <source>--qos=long</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="278"/>
        <source>More #SBATCH options, one per line.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="281"/>
        <source>module load cuda</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="283"/>
        <source>Bash lines run first in every job, e.g. module load cuda, or source /path/venv/bin/activate. Empty: this Python&apos;s bin folder first on PATH.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="302"/>
        <source>Profile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="304"/>
        <source>Partition</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="305"/>
        <source>Account</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="306"/>
        <source>GPUs per job</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="307"/>
        <source>-num_gpus</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="308"/>
        <source>CPUs per job</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="309"/>
        <source>Memory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="310"/>
        <source>Time limit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="311"/>
        <source>Stop before end</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="312"/>
        <source>Folds</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="313"/>
        <source>#SBATCH</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="314"/>
        <source>Set-up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="318"/>
        <source>Show job scripts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="321"/>
        <source>Export script…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="323"/>
        <source>One bash file that writes the job scripts and submits them, for a cluster this computer cannot reach.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="327"/>
        <location filename="../../gui/pages/cluster_page.py" line="603"/>
        <source>Submit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="346"/>
        <source>Submitted chains</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="353"/>
        <source>Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="356"/>
        <location filename="../../gui/pages/cluster_page.py" line="950"/>
        <location filename="../../gui/pages/cluster_page.py" line="957"/>
        <source>Cancel chain</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="370"/>
        <source>Job</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="370"/>
        <source>Slurm id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="371"/>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="371"/>
        <source>Epochs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="372"/>
        <source>Restarts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="422"/>
        <source>Slurm&apos;s commands (sbatch, squeue, scancel) are not installed on this computer. Run nnFT on the cluster&apos;s login node, or export the chain as a script (Export script…) and run it there with bash.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="435"/>
        <source>Fine-tuning preset: {0}; from-scratch baseline: yes (4_baseline)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="437"/>
        <source>Fine-tuning preset: {0}; from-scratch baseline: no</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="440"/>
        <source>Chosen on the fine-tuning page.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="442"/>
        <source>The baseline trains the same folds without the pretrained weights, in a job of its own that waits only for the preparation, so it runs alongside the pretraining.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="454"/>
        <source>Asking Slurm …</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="466"/>
        <source>Slurm is installed on this computer but reaches no cluster, so nothing can be submitted or followed from here. What to do is below.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="470"/>
        <source>Slurm&apos;s controller answers now.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="479"/>
        <source>Last refreshed at {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="481"/>
        <source>no Slurm controller reachable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="509"/>
        <source>Fix or delete {0}; nnFT&apos;s defaults are used meanwhile.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="516"/>
        <source>nnFT defaults</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="567"/>
        <source>Save cluster profile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="568"/>
        <source>Name of the profile (one per cluster or account):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="585"/>
        <source>The profile could not be saved: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="586"/>
        <source>Check that {0} is writable.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="590"/>
        <source>Saved cluster profile &apos;{0}&apos; to {1}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="603"/>
        <source>Submitting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="620"/>
        <source>Go back to the Datasets page.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="648"/>
        <source># Every step is done already: nothing would be submitted.
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="662"/>
        <source>Job scripts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="675"/>
        <source>Export the chain for SLURM</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="677"/>
        <source>Bash scripts (*.sh)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="695"/>
        <source>Could not write {0}: {1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="697"/>
        <source>Wrote {0}; run it with bash on the cluster&apos;s login node.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="712"/>
        <source>Run nnFT on the cluster&apos;s login node, or use Export script… and run the file there with bash.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="725"/>
        <source>Submitting the chain to Slurm …</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="740"/>
        <source>Nothing was submitted: Slurm is installed on this computer but reaches no cluster. What to do is below.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="744"/>
        <source>Nothing was submitted: see the problems below.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="756"/>
        <source>Every step is done already: the fine-tuned model is in {0}. Nothing was submitted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="749"/>
        <source>Jobs already submitted for this chain were cancelled again. Check the partition, account and limits (sinfo, sacctmgr show assoc).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="177"/>
        <source>Run the chain as cluster jobs: preparation, pretraining, then the fine-tuning folds as a job array (and, when chosen, the from-scratch baseline of the same folds alongside the pretraining). Each training checkpoints before its time limit and requeues itself. Follow the jobs here; the curves are read from the results folder.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="619"/>
        <source>Choose a workspace and both datasets (or a fine-tuning dataset and a model) first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="637"/>
        <source>This version cannot make cluster jobs for a chain that starts from a model.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="638"/>
        <source>Run the chain in the wizard, or with nnft run --pretrained-model on the cluster.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="751"/>
        <source>Slurm refused the chain.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="765"/>
        <source>Submitted chain {0}: {1}. Scripts and job logs: {2}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="771"/>
        <source>Nothing was submitted: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="804"/>
        <source>No chain was submitted from this workspace yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="806"/>
        <source>Scripts and job logs: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="853"/>
        <source>Could not read the job states: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="879"/>
        <source>from {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="888"/>
        <location filename="../../gui/pages/cluster_page.py" line="922"/>
        <source>pretraining</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="895"/>
        <source>Chain {0} finished: fine-tuned model(s) in the results folder.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="899"/>
        <source>{0} (job {1})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="901"/>
        <source>nothing yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="902"/>
        <source>Chain {0}: running {1}. Updated every {2:.0f} s.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="907"/>
        <source>Chain {0} ended without finishing ({1}). Submit again to continue from the checkpoints.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="917"/>
        <source>fine-tuning fold {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="886"/>
        <location filename="../../gui/pages/cluster_page.py" line="918"/>
        <source>fine-tuning</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="920"/>
        <source>baseline (from scratch), fold {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="921"/>
        <source>baseline (from scratch)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="922"/>
        <source>preparation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="934"/>
        <source>Cancel the chain</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="935"/>
        <source>Cancel every job of chain {0}? Running trainings stop at once; their last checkpoint stays on disk and a new Submit continues from it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="945"/>
        <source>Cancelling…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="951"/>
        <source>Cancelled chain {0}: scancel {1}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DatasetsPage</name>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="56"/>
        <source>Datasets and direction</source>
        <extracomment>Background task key: reading the chosen model (the latest choice wins).</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="173"/>
        <source>Pretrain on a large dataset, fine-tune on yours. nnFT moves plans and weights the right way round.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="99"/>
        <source>Pretraining (source of weights)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="67"/>
        <source>The weights come from:</source>
        <extracomment>The model whose summary is shown (None: none chosen, unusable, or being read).</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="68"/>
        <source>Pretrain on a dataset of this workspace</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="71"/>
        <source>Start from an existing nnU-Net model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="74"/>
        <source>A model someone else trained (a colleague&apos;s, a released one): its plans and its weights go to your dataset. No pretraining runs here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="103"/>
        <source>Fine-tuning (your target)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="107"/>
        <source>⇄ Swap</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="109"/>
        <source>Exchange the roles of the two datasets</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="112"/>
        <source>Trained model (source of plans and weights)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="118"/>
        <source>…/&lt;trainer&gt;__&lt;plans&gt;__&lt;configuration&gt;, one of its fold_X folders, or a zip</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="120"/>
        <source>A training output folder as nnU-Net wrote it (with plans.json, dataset.json and fold_X/checkpoint_final.pth), one of its fold folders (that fold&apos;s checkpoint is used), or a zip made by nnUNetv2_export_model_to_zip or nnft export-model.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="126"/>
        <source>Model folder…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="129"/>
        <source>Zip…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="171"/>
        <source>Fine-tune a model someone else trained on your dataset: its plans and its weights both go to your dataset.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="202"/>
        <source>Choose the model folder (…/&lt;trainer&gt;__&lt;plans&gt;__&lt;configuration&gt;)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="210"/>
        <source>Choose the model&apos;s zip</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="211"/>
        <source>Zip archives (*.zip);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="245"/>
        <source>Reading the model …</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="265"/>
        <source>This model cannot be used (see below).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="269"/>
        <source>Trained on {dataset} · trainer {trainer} · plans {plans} · configuration {configuration}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="273"/>
        <source>Starts from fold {fold} (finished folds: {folds})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="275"/>
        <source>{n} channel(s): {channels} · labels: {labels}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="294"/>
        <source>(choose a dataset)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="350"/>
        <source>dataset.json cannot be used (see below)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="353"/>
        <source>{0} cases · channels: {1} · labels: {2}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="359"/>
        <source>median spacing {0} mm · median size {1} voxels</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="398"/>
        <source>{trainer} · {configuration} · fold {fold}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DiceComparisonPlots</name>
    <message>
        <location filename="../../gui/widgets/dice_comparison.py" line="49"/>
        <source>Validation Dice</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/dice_comparison.py" line="51"/>
        <source>EMA pseudo dice</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/dice_comparison.py" line="58"/>
        <source>Real Dice per class (nnU-Net&apos;s final validation)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/dice_comparison.py" line="59"/>
        <source>Dice</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/dice_comparison.py" line="64"/>
        <source>EMA pseudo dice per epoch (training estimate, not the real Dice)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/dice_comparison.py" line="67"/>
        <source>epoch (from 1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/dice_comparison.py" line="148"/>
        <source>90 % of the final value</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DirectionDiagram</name>
    <message>
        <location filename="../../gui/widgets/direction_diagram.py" line="78"/>
        <source>plans  (step {n}: move_plans -s {ft} -t {pt})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/direction_diagram.py" line="82"/>
        <source>weights  (step {n}: nnUNetv2_train {ft} ... -pretrained_weights)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/direction_diagram.py" line="94"/>
        <source>your target · {0} cases</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/direction_diagram.py" line="99"/>
        <source>source of weights</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/direction_diagram.py" line="101"/>
        <source>only {0} cases: the smaller one</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/direction_diagram.py" line="103"/>
        <source>source of weights · {0} cases</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/direction_diagram.py" line="113"/>
        <source>Fine-tuning dataset</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/direction_diagram.py" line="114"/>
        <location filename="../../gui/widgets/direction_diagram.py" line="117"/>
        <location filename="../../gui/widgets/direction_diagram.py" line="121"/>
        <source>(choose)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/direction_diagram.py" line="93"/>
        <source>your target</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/direction_diagram.py" line="75"/>
        <source>plans  (step {n}: the model&apos;s plans → dataset {ft}, new identifier)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/direction_diagram.py" line="116"/>
        <source>Trained model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/direction_diagram.py" line="118"/>
        <source>source of plans and weights</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/direction_diagram.py" line="120"/>
        <source>Pretraining dataset</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Duration</name>
    <message>
        <location filename="../../gui/texts.py" line="18"/>
        <source>{0} s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/texts.py" line="19"/>
        <source>{0} min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/texts.py" line="20"/>
        <source>{0} min {1} s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/texts.py" line="21"/>
        <source>{0} h</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/texts.py" line="22"/>
        <source>{0} h {1} min</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>FinetuneOptions</name>
    <message>
        <location filename="../../gui/pages/finetune_options.py" line="71"/>
        <source>How to fine-tune</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/finetune_options.py" line="91"/>
        <source>Epochs during which only the decoder trains and the pretrained encoder stays fixed; after them all layers train. Default: a tenth of the epochs.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/finetune_options.py" line="95"/>
        <source>Preset</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/finetune_options.py" line="97"/>
        <source>encoder frozen for</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/finetune_options.py" line="98"/>
        <source>epochs, then all layers train</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/finetune_options.py" line="104"/>
        <source>Also train a from-scratch baseline (same fold and epochs; about doubles the fine-tuning time) to see whether pretraining helped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/finetune_options.py" line="108"/>
        <source>The same training of your dataset without the pretrained weights, in a results folder of its own. Its real Dice next to the fine-tuned model&apos;s tells whether the pretraining helped. It can be added later, after the fine-tuning.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>GpuStrip</name>
    <message>
        <location filename="../../gui/widgets/gpu_strip.py" line="65"/>
        <source>GPU memory in use</source>
        <extracomment>How often the GPU is read while the strip is shown (ms).</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/gpu_strip.py" line="120"/>
        <source>No NVIDIA GPU: training on the Apple GPU (MPS)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/gpu_strip.py" line="121"/>
        <source>No NVIDIA GPU: training on the CPU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/gpu_strip.py" line="123"/>
        <source>Training on the Apple GPU (MPS); GPU {0} {1} is not used</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/gpu_strip.py" line="126"/>
        <source>Training on the CPU; GPU {0} {1} is not used (the device is chosen on the Workspace page)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/gpu_strip.py" line="132"/>
        <source>No GPU readings ({0})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/gpu_strip.py" line="141"/>
        <source>⚠ Only {0:.1f} GiB of GPU memory are free, but these plans ({1}, {2}) were sized for about {3:g} GB: the training may run out of memory. Free the GPU or choose one with more memory.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ImagePreview</name>
    <message>
        <location filename="../../gui/widgets/image_preview.py" line="182"/>
        <source>Labels</source>
        <extracomment>The caption speaks of nnU-Net&apos;s patch (the dataset previews), else only the spacing.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/image_preview.py" line="203"/>
        <source>Opacity</source>
        <extracomment>The overlay&apos;s opacity (0–1); None: the colours&apos; own (translucent) alpha.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/image_preview.py" line="210"/>
        <source>How opaque the label overlay is</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/image_preview.py" line="220"/>
        <source>No image loaded.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/image_preview.py" line="267"/>
        <source>Could not read {path}:
{error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/image_preview.py" line="270"/>
        <source>Loading…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/image_preview.py" line="331"/>
        <source>Image spacing {s} mm.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/image_preview.py" line="334"/>
        <source>No patch size known (plans missing). Image spacing {s} mm.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/image_preview.py" line="341"/>
        <source>patch {patch} at {spacing} mm → {rows} × {cols} px here</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/image_preview.py" line="344"/>
        <source>patch {patch} at {spacing} mm → {rows} × {cols} px × {n} slices here</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/image_preview.py" line="346"/>
        <source> (image spacing {s} mm)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/image_preview.py" line="349"/>
        <source>. The patch is larger than this image: nnU-Net pads it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/image_preview.py" line="385"/>
        <source>slice {z} / {n}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LogConsole</name>
    <message>
        <location filename="../../gui/widgets/log_console.py" line="21"/>
        <source>The output of nnU-Net&apos;s commands appears here.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ModelFitTable</name>
    <message>
        <location filename="../../gui/widgets/model_fit_table.py" line="57"/>
        <source>Quantity</source>
        <extracomment>Background, text colour per verdict (text colours set too: dark themes stay legible). What core writes where the dataset&apos;s value needs its fingerprint (not extracted yet).</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/model_fit_table.py" line="57"/>
        <source>The model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/model_fit_table.py" line="58"/>
        <source>Your dataset</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/model_fit_table.py" line="65"/>
        <source>Input channels</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/model_fit_table.py" line="66"/>
        <source>Normalization, channel {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/model_fit_table.py" line="67"/>
        <source>Spacing in mm (the model&apos;s target, your median)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/model_fit_table.py" line="68"/>
        <source>Foreground intensities (0.5–99.5 %), channel {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/model_fit_table.py" line="70"/>
        <source>Labels</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/model_fit_table.py" line="79"/>
        <source>known after the fingerprint step</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>NnftWizard</name>
    <message>
        <location filename="../../gui/wizard.py" line="63"/>
        <source>nnFT — nnU-Net pretraining and fine-tuning</source>
        <extracomment>Page ids: the order of the flow is :func:`~nnft.core.wizard_state.page_flow`&apos;s (see nextId), not the ids&apos;. The pages added later got free ids; ``render_screenshots`` names its files by id + 1 (09_results.png, 11_baseline.png, 12_use.png; 10_report.png is the run report). Pages from which the Cluster page can be opened (the datasets are chosen by then; the cluster&apos;s preparation job can also do the planning and preprocessing). How the user chose to close the wizard while a command runs.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/wizard.py" line="86"/>
        <source>Run on a cluster…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/wizard.py" line="89"/>
        <source>Submit the chain as SLURM jobs and follow them</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/wizard.py" line="106"/>
        <source>Validate transferred plans</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/wizard.py" line="227"/>
        <source>A step is running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/wizard.py" line="231"/>
        <source>A training is running. Stop it after the epoch in progress (a checkpoint is written; Resume continues there) and quit?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/wizard.py" line="234"/>
        <source>A training is running. Its trainer cannot stop after the epoch: stopping it now loses the epochs since its last checkpoint (nnU-Net writes one every 50 epochs).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/wizard.py" line="238"/>
        <source>An nnU-Net command is still running. Stop it and quit? (The step starts again cleanly next time.)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/wizard.py" line="243"/>
        <source>Quit and leave it running: the training goes on without this window, its output goes into its log, and the wizard follows it when you open it again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/wizard.py" line="247"/>
        <source>Stop after this epoch and quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/wizard.py" line="250"/>
        <source>Stop now and quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/wizard.py" line="253"/>
        <source>Quit and leave it running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/wizard.py" line="296"/>
        <source>nnFT — closing after the epoch in progress …</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/wizard.py" line="299"/>
        <source>Stopping after this epoch (a checkpoint is written); the wizard then closes.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PlansPage</name>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="79"/>
        <source>Plans transfer</source>
        <extracomment>The steps this page runs in the dataset chain, from the registry (their keys, in chain order); the model chain&apos;s are ``keys_in_group(PREPARE, from_model=True)``. Stands for the plans identifier in the commands while the one typed is refused.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="80"/>
        <location filename="../../gui/pages/plans_page.py" line="196"/>
        <source>Plan the fine-tuning dataset, move its plans to the pretraining dataset under a new name, and preprocess both.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="87"/>
        <source>Configuration</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="92"/>
        <location filename="../../gui/pages/plans_page.py" line="201"/>
        <source>The pretraining dataset receives the fine-tuning plans under this name (-tp). nnU-Net&apos;s default names would overwrite its own plans.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="95"/>
        <source>Suggest</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="101"/>
        <source>New plans identifier</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="118"/>
        <source>Reuse the existing plans file of this name if it is identical (a backup is made first)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="124"/>
        <source>Move data folders that are in the way to nnFT&apos;s backup folder, then replace them</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="127"/>
        <source>Without this, nnFT refuses to run a step that would delete a folder it did not make itself. With it, the folder is moved to nnUNet_results/nnFT/backups first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="139"/>
        <source>Step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="139"/>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="168"/>
        <location filename="../../gui/pages/plans_page.py" line="224"/>
        <source>Run steps {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="171"/>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="194"/>
        <source>Import the model, extract your dataset&apos;s fingerprint, give your dataset the model&apos;s plans under a new name, and preprocess it with them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="199"/>
        <source>Your dataset receives the model&apos;s plans under this name. nnU-Net&apos;s default names would overwrite its own plans.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="208"/>
        <source>(the model&apos;s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="210"/>
        <source>The model was trained in the configuration {0}: its weights fit only that configuration&apos;s network, so the fine-tuning uses it too.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="212"/>
        <source>(not known until the model is read)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="279"/>
        <source>A new plans file will be written; nothing existing is touched.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="287"/>
        <source># Not runnable yet: the plans identifier &apos;{0}&apos; is refused (see above).
# {1} stands for the identifier you choose.
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="300"/>
        <location filename="../../gui/pages/plans_page.py" line="301"/>
        <source>done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="300"/>
        <source>pending</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="331"/>
        <source>Backed up {0} to {1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="361"/>
        <source>Cancelling …</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="389"/>
        <source>Step {0} {1}: {2}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="391"/>
        <source>Full log: {0}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PlansTable</name>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="74"/>
        <source>Setting</source>
        <extracomment>Background, text colour per status. Text colours are set too, so dark themes stay legible. The plans came from a trained model to the fine-tuning dataset (not from the fine-tuning dataset to a pretraining dataset): other headers and meanings.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="75"/>
        <source>Fine-tuning plans</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="75"/>
        <source>The model&apos;s plans</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="76"/>
        <source>Transferred plans (your dataset)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="77"/>
        <source>Transferred plans</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="78"/>
        <source>Pretraining&apos;s own plans</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="79"/>
        <source>Meaning</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="87"/>
        <source>Identity (renamed by the transfer)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="88"/>
        <source>Training patches</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="89"/>
        <source>Intensity normalization</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="90"/>
        <source>Network architecture (must be identical)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="97"/>
        <source>Dataset name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="98"/>
        <source>Plans identifier</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="99"/>
        <source>Preprocessed data folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="100"/>
        <source>Patch size (voxels)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="101"/>
        <source>Batch size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="102"/>
        <source>Target spacing (mm)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="103"/>
        <source>Normalization, channel {i}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="104"/>
        <source>Foreground mean, channel {i}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="105"/>
        <source>Foreground std, channel {i}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="106"/>
        <source>Clip low (0.5th pct.), channel {i}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="107"/>
        <source>Clip high (99.5th pct.), channel {i}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="108"/>
        <source>Input channels (dataset.json)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="109"/>
        <source>Network class</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="110"/>
        <source>Number of stages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="111"/>
        <source>Stage {i} features</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="112"/>
        <source>Stage {i} kernel size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="113"/>
        <source>Stage {i} stride</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="114"/>
        <source>Stage {i} convolutions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="122"/>
        <source>Identical</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="124"/>
        <source>Not available (plans file or configuration missing)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="127"/>
        <source>Expected: set to your dataset, so the fine-tuning reads its own data.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="129"/>
        <source>Expected: the new identifier keeps your dataset&apos;s own plans intact.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="136"/>
        <source>Expected: set to the pretraining dataset, so pretraining reads its own data.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="138"/>
        <source>Expected: the new identifier (-tp) keeps the pretraining dataset&apos;s own plans intact.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="131"/>
        <location filename="../../gui/widgets/plans_table.py" line="140"/>
        <source>Expected: the data folder is named after the new identifier.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="133"/>
        <location filename="../../gui/widgets/plans_table.py" line="142"/>
        <source>Expected difference</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="151"/>
        <source>Wrong: must name the pretraining dataset, otherwise the trainer reads another dataset&apos;s preprocessed data.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="147"/>
        <location filename="../../gui/widgets/plans_table.py" line="153"/>
        <source>Wrong: must be the chosen plans identifier; the results folder would be named after another identifier.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="145"/>
        <source>Wrong: must name your dataset, otherwise the trainer reads another dataset&apos;s preprocessed data.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="156"/>
        <source>Differs: the pretrained weights will NOT load.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="159"/>
        <source>Unexpected: the transfer copies this. Weights still load, but the fine-tuning sees intensities normalized otherwise than the model&apos;s training data.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="162"/>
        <source>Unexpected: the transfer copies this. Weights still load, but the fine-tuning sees patches prepared otherwise than the model&apos;s.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="165"/>
        <source>Unexpected: the transfer copies this. Weights still load, but pretraining sees intensities normalized differently.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="167"/>
        <source>Unexpected: the transfer copies this. Weights still load, but pretraining sees patches prepared differently.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="226"/>
        <source>The transfer replaced the pretraining dataset&apos;s own value {own} with {new}.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Presets</name>
    <message>
        <location filename="../../gui/texts.py" line="37"/>
        <source>nnU-Net&apos;s default (learning rate 1e-2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/texts.py" line="38"/>
        <source>nnU-Net&apos;s own fine-tuning: the full training schedule, starting from the pretrained weights; a good first choice when the two datasets are alike.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/texts.py" line="43"/>
        <source>Gentle (learning rate 1e-3 with warm-up)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/texts.py" line="44"/>
        <source>Starts at a ten times smaller learning rate after a short warm-up, so the pretrained features are changed slowly; choose it when your dataset is small or close to the pretraining data.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/texts.py" line="49"/>
        <source>Frozen encoder, then all layers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/texts.py" line="50"/>
        <source>Trains only the decoder for the first epochs while the pretrained encoder stays fixed, then all layers; choose it when you have very few cases and fear losing what the pretraining learned.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ProblemsView</name>
    <message>
        <location filename="../../gui/widgets/problems_view.py" line="29"/>
        <source>Error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/problems_view.py" line="29"/>
        <source>Warning</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/problems_view.py" line="30"/>
        <source>Note</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ResultsPage</name>
    <message>
        <location filename="../../gui/pages/results_page.py" line="103"/>
        <source>Results: did the pretraining help?</source>
        <extracomment>Background task keys: the latest read of the results wins; one report (and one export) written at a time.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="105"/>
        <source>nnU-Net&apos;s real validation Dice (validation/summary.json) of the fine-tuned model and of the same training from scratch.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="119"/>
        <source>Add a from-scratch baseline…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="122"/>
        <source>Go back to the fine-tuning page with &quot;Also train a from-scratch baseline&quot; ticked; Next then leads to the baseline page.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="131"/>
        <location filename="../../gui/pages/results_page.py" line="323"/>
        <source>Save report…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="134"/>
        <source>One self-contained HTML file to share: the datasets and the direction, the plans and checkpoint checksums, every command with its exit status and duration, the versions, the curves and this comparison.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="139"/>
        <location filename="../../gui/pages/results_page.py" line="397"/>
        <source>Export model…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="187"/>
        <source>Choose a workspace and two datasets first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="189"/>
        <source>Reading the validation results …</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="201"/>
        <source>The results could not be read: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="209"/>
        <source>fine-tuned</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="209"/>
        <source>from scratch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="212"/>
        <source>Fine-tuned: mean Dice {0:.3f} on fold {1}. Not comparable yet: what is missing is said below.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="216"/>
        <source>Not comparable yet (fold {0}): what is missing is said below.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="233"/>
        <source>Epochs until the EMA pseudo dice first reached 90 % of its final value: {0}, {1}. The pseudo dice is nnU-Net&apos;s estimate during training, on random patches: it shows speed, not quality.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="239"/>
        <source>mean</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="256"/>
        <source>{0}: no epochs logged</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="258"/>
        <source>{0}: not known (no EMA pseudo dice above 0)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="259"/>
        <source>{0} {1} (of {2})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="267"/>
        <source>fine-tuning</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="267"/>
        <source>baseline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="269"/>
        <source>The {0} ran as a quick trial without nnU-Net&apos;s final validation, so there is no validation/summary.json ({1}). Tick &quot;final validation&quot; on the fine-tuning page; &quot;Finish validation&quot; on the {0} page then makes it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="276"/>
        <source>The fine-tuning has no validation/summary.json yet ({0}): &quot;Finish validation&quot; on the fine-tuning page makes it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="278"/>
        <source>The fine-tuning has not finished ({0}): finish it on the fine-tuning page.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="282"/>
        <source>There is no from-scratch baseline to compare with: without one, nothing says whether the pretraining helped. &quot;Add a from-scratch baseline…&quot; goes back to the fine-tuning page to tick it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="287"/>
        <source>The baseline has no validation/summary.json yet ({0}): &quot;Finish validation&quot; on the baseline page makes it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="289"/>
        <source>The baseline has not been trained yet ({0}): train it on the baseline page (Back).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="306"/>
        <source>Save report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="308"/>
        <source>HTML files (*.html)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="317"/>
        <source>Saving…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="318"/>
        <source>Writing the report …</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="328"/>
        <source>✓ Report saved: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="333"/>
        <source>✗ The report could not be written: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="349"/>
        <source>The fine-tuned model as nnU-Net&apos;s zip with a model card, to hand on: it installs with stock nnUNetv2_install_pretrained_model_from_zip and predicts without nnFT.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="354"/>
        <source>Available once the fine-tuning is finished and validated (a whole checkpoint_final.pth and validation/summary.json).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="371"/>
        <source>Export the fine-tuned model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="373"/>
        <source>Zip files (*.zip)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="389"/>
        <source>Exporting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="391"/>
        <source>Exporting the fine-tuned model (fold {0}) to {1} …</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="403"/>
        <source>✓ Model exported: {0}. The model card is inside the zip: {1}/model_card.md (and model_card.json).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="407"/>
        <source> The earlier file was backed up to {0}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="416"/>
        <source>✗ The model was not exported: {0}
Fix: {1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="419"/>
        <source>✗ The model was not exported: {0}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SliceCanvas</name>
    <message>
        <location filename="../../gui/widgets/image_preview.py" line="133"/>
        <source>patch</source>
        <extracomment>The background task that reads a case (a newer one supersedes it). Label colours (RGBA) for labels 1, 2, ...; translucent so the anatomy stays visible.</extracomment>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SummaryPage</name>
    <message>
        <location filename="../../gui/pages/summary_page.py" line="31"/>
        <source>Summary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/summary_page.py" line="32"/>
        <source>What was done and where the results are. The script runs the same commands without the wizard (e.g. on a cluster).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/summary_page.py" line="48"/>
        <source>Copy script</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/summary_page.py" line="52"/>
        <source>Save script…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/summary_page.py" line="100"/>
        <source>Pretraining dataset: {0} · fine-tuning dataset: {1} · configuration {2} · transferred plans &apos;{3}&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/summary_page.py" line="111"/>
        <source>Pretrained weights: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/summary_page.py" line="80"/>
        <source>Fine-tuned model: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/summary_page.py" line="66"/>
        <source>Choose a workspace and two datasets (or a fine-tuning dataset and a model) first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/summary_page.py" line="81"/>
        <source>Trained from scratch for comparison (baseline): {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/summary_page.py" line="88"/>
        <source># This version cannot write the script of a chain that starts from a model yet; `nnft run --finetune {0} --pretrained-model PATH` runs the same steps.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/summary_page.py" line="96"/>
        <source>Model: {0} · fine-tuning dataset: {1} · configuration {2} (the model&apos;s) · the model&apos;s plans in your dataset as &apos;{3}&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/summary_page.py" line="108"/>
        <source>Weights of the model {0}, from nnFT&apos;s copy {1} (imported from {2})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/summary_page.py" line="118"/>
        <source>frozen epochs: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/summary_page.py" line="119"/>
        <source>Fine-tuning preset: {0} (trainer {1})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/summary_page.py" line="130"/>
        <source>Save script</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/summary_page.py" line="132"/>
        <source>Shell scripts (*.sh)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TrainingPage</name>
    <message>
        <location filename="../../gui/pages/training_page.py" line="420"/>
        <source>Pretraining</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="421"/>
        <source>Train on the pretraining dataset with the transferred plans, on all of its cases (fold &apos;all&apos;).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="423"/>
        <source>Fine-tuning</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="424"/>
        <location filename="../../gui/pages/training_page.py" line="604"/>
        <source>Train on your dataset, starting from the pretrained weights (all layers but the segmentation head).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="457"/>
        <source>Browse…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="463"/>
        <location filename="../../gui/pages/training_page.py" line="793"/>
        <source>Check weights</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="466"/>
        <source>Build the fine-tuning network and compare every layer with the checkpoint, without running any code stored in it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="470"/>
        <location filename="../../gui/pages/training_page.py" line="841"/>
        <source>Pretrained weights</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="480"/>
        <source>Fold</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="494"/>
        <location filename="../../gui/pages/training_page.py" line="869"/>
        <source>Start</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="497"/>
        <source>Stop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="707"/>
        <source>The run outside the wizard has stopped or finished.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="426"/>
        <source>pretraining</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="818"/>
        <source>{0} does not exist yet: finish the pretraining first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="784"/>
        <source>Checking…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="427"/>
        <source>Baseline: from scratch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="428"/>
        <source>Train your dataset again without the pretrained weights (same fold, configuration, plans and epochs), to see whether the pretraining helped.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="431"/>
        <source>fine-tuned</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="504"/>
        <source>Epochs are counted from 1 here (and in nnft run, nnft monitor and the plots); nnU-Net&apos;s log counts from 0: its &quot;Epoch 0&quot; is epoch 1 here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="597"/>
        <source>Train on your dataset, starting from the weights of the model {0} (all layers but the segmentation head).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="600"/>
        <source>nnFT&apos;s copy of the model&apos;s checkpoint (fold {0}), made by the preparation. To start from another model or fold, choose it on the datasets page.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="623"/>
        <source>A training of this fold that nnFT started is running outside this window (process {0}). Following it: the curves update every few seconds.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="627"/>
        <source>An nnUNetv2_train of this fold, started outside nnFT, is running (process {0}). Following it: the curves update every few seconds.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="631"/>
        <source>nnFT started a training of this fold on {0}, and its log was written {1} s ago: it probably still runs there (this machine cannot check). Following its log.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="643"/>
        <source>— output of the running training (process {0}), from {1} —</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="752"/>
        <source>The weights check was dropped: its inputs changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="787"/>
        <source>Checking the weights against the fine-tuning network …</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="808"/>
        <source>✗ File not found: {0}. Check the path, or choose the checkpoint with Browse…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="813"/>
        <source>{0} does not exist yet: run the preparation steps (plans page) first; they import the model.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="822"/>
        <source>✓ The weights fit: {0} layers are loaded, {1} of the segmentation head are trained anew.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="826"/>
        <source>✗ These weights do not fit the fine-tuning network (details below).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="834"/>
        <source>✗ The weights could not be checked: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="843"/>
        <source>nnU-Net checkpoints (*.pth)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="863"/>
        <source>Finish validation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="865"/>
        <source>Run only nnU-Net&apos;s final validation of the finished training (nnUNetv2_train … --val): it writes validation/summary.json with the real Dice. The training is not repeated.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="869"/>
        <source>Resume</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="906"/>
        <location filename="../../gui/pages/training_page.py" line="1143"/>
        <source>about {0} left</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="908"/>
        <source>EMA pseudo dice {0:.3f}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="911"/>
        <source>No epoch yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="913"/>
        <source>Finished: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="957"/>
        <source>Checking that the pretrained weights fit the fine-tuning network …</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="969"/>
        <source>The model&apos;s checkpoint {0} is not imported yet: run the preparation steps (plans page) first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="995"/>
        <source>Not started: the pretrained weights do not fit (see the problems below).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="1003"/>
        <source>Not started: the pretrained weights could not be checked ({0}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="971"/>
        <source>The pretrained weights {0} do not exist yet: finish the pretraining first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="1022"/>
        <source>Starting nnU-Net …</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="1090"/>
        <source>Stop training</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="1088"/>
        <source>{0} cannot stop gracefully: stopping now loses the epochs since its last checkpoint (nnU-Net writes one every 50 epochs). Stop anyway?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="562"/>
        <source>The baseline is nnU-Net&apos;s default training of your dataset from scratch (learning rate 1e-2, whatever the fine-tuning preset), with the fine-tuning&apos;s epochs, iterations, fold ({0}), configuration and plans. Change them on the fine-tuning page.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="891"/>
        <source>The training is finished (checkpoint_final.pth is written). nnU-Net&apos;s final validation now predicts every validation case with the trained model and writes the real Dice to validation/summary.json. Stop ends the validation: the trained model is kept, and &quot;Finish validation&quot; runs it later.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="899"/>
        <source>Epoch {0} of {1} done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="902"/>
        <source>training finished</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="904"/>
        <source>training finished, final validation starting …</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="917"/>
        <source>Trained ({0}), but nnU-Net&apos;s final validation did not finish (stopped or killed during it). &quot;Finish validation&quot; runs only the validation (nnUNetv2_train … --val).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="923"/>
        <source>Stopped after epoch {0} of {1} (checkpoint written). Resume continues with epoch {2}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="991"/>
        <source>Not started: there are no pretrained weights at {0}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="1048"/>
        <source>Stopping the run outside the wizard after this epoch (a checkpoint is written) …</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="1072"/>
        <source>Stopping the final validation now. The trained model is kept (checkpoint_final.pth); &quot;Finish validation&quot; runs the validation later.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="1076"/>
        <source>Stopping after this epoch (a checkpoint is written) … If this is the last epoch, the final validation is left for &quot;Finish validation&quot;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="1082"/>
        <source>nnU-Net is running its final validation; the training itself is finished (checkpoint_final.pth). Stopping now ends the validation: the trained model is kept, and &quot;Finish validation&quot; runs the validation later. Stop the validation?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="1100"/>
        <source>Running. Log: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="1138"/>
        <source>Final validation: {0} / {1} cases</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="1141"/>
        <source>Final validation: {0} cases</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="1151"/>
        <source>Failed: {0}. Last lines:
{1}
Full log: {2}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="1154"/>
        <source>Cancelled. Start again to resume from the last checkpoint, if any.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TrainingPlots</name>
    <message>
        <location filename="../../gui/widgets/training_plots.py" line="142"/>
        <location filename="../../gui/widgets/training_plots.py" line="154"/>
        <source>Loss</source>
        <extracomment>Above this many epochs the pseudo-dice points are drawn as a line only, and curves without antialiasing: on a 1,000-epoch run, symbols and antialiased 2–3 px lines made each repaint of the four plots cost ~100 ms of the GUI thread (offscreen raster; measured in make bench&apos;s gui_stall_follow), without them ~25 ms. At that density the steps are below a pixel anyway. Thin per-class pseudo-dice lines, light so that the mean and its EMA stay in front. Classes beyond this many are drawn but share one legend entry (a legend of 100 regions would be taller than the plot).</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/training_plots.py" line="143"/>
        <location filename="../../gui/widgets/training_plots.py" line="155"/>
        <source>Pseudo dice</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/training_plots.py" line="156"/>
        <source>Learning rate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/training_plots.py" line="157"/>
        <source>Epoch time (s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/training_plots.py" line="163"/>
        <source>epoch (from 1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/training_plots.py" line="180"/>
        <source>mean</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/training_plots.py" line="174"/>
        <source>train</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/training_plots.py" line="175"/>
        <source>validation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/training_plots.py" line="181"/>
        <source>EMA</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/training_plots.py" line="220"/>
        <source>class {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/training_plots.py" line="227"/>
        <source>more classes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/training_plots.py" line="298"/>
        <location filename="../../gui/widgets/training_plots.py" line="299"/>
        <location filename="../../gui/widgets/training_plots.py" line="310"/>
        <source>{0}: train</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/training_plots.py" line="300"/>
        <location filename="../../gui/widgets/training_plots.py" line="301"/>
        <location filename="../../gui/widgets/training_plots.py" line="311"/>
        <source>{0}: EMA</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TrainingSettings</name>
    <message>
        <location filename="../../gui/pages/training_page.py" line="322"/>
        <source>Quick trial (nnFT, short run)</source>
        <extracomment>Background task keys: one weights check at a time; the latest read of the logs wins. Start&apos;s weights check runs after Start&apos;s file lookups (WEIGHTS_TASK) have answered. Reading the output a followed run (started by nnFT outside this window) wrote to its log. A weights check that takes longer than this (seconds) is given up. The training phases, keyed by page and step key.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="323"/>
        <source>nnUNetTrainer (nnU-Net default, 1000 epochs)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="325"/>
        <source>nnFTTrainer (nnU-Net default + safe stop)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="333"/>
        <source>final validation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="336"/>
        <source>After the last epoch nnU-Net predicts every validation case with the trained model (the pretraining&apos;s fold &apos;all&apos;: every pretraining case) and writes the real Dice to validation/summary.json. The quick trial predicts each case once (no mirroring); on the demo on a shared 2-core CPU that took 1.7 of the pretraining&apos;s 3.8 minutes (12 cases) and 15 s of the fine-tuning&apos;s 46 s (2 cases). Off: the run ends after the last epoch, without real Dice.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="346"/>
        <source>Final validation: real Dice in validation/summary.json, one prediction per validation case (demo, 2-core CPU: 1.7 of the pretraining&apos;s 3.8 minutes).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="353"/>
        <source>epochs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="355"/>
        <source>iterations per epoch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="359"/>
        <source>Trainer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="365"/>
        <source>Quick trial</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>UseModelPage</name>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="189"/>
        <source>Use the model</source>
        <extracomment>Background task keys: the latest check wins; one volume count at a time (the newest).</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="191"/>
        <source>Segment new images with the fine-tuned model (nnU-Net&apos;s own predictor) and look at the result. With reference labels, nnU-Net&apos;s evaluation gives the Dice.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="205"/>
        <source>Model:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="206"/>
        <source>The training output folder (…/&lt;trainer&gt;__&lt;plans&gt;__&lt;config&gt;), one of its fold_X folders, or a zip made by nnft export-model / nnUNetv2_export_model_to_zip</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="209"/>
        <location filename="../../gui/pages/use_model_page.py" line="215"/>
        <location filename="../../gui/pages/use_model_page.py" line="221"/>
        <location filename="../../gui/pages/use_model_page.py" line="225"/>
        <source>Folder…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="210"/>
        <source>Zip…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="212"/>
        <source>Images:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="213"/>
        <source>A folder of images (CASE_0000&lt;ending&gt;, or plain names for a single-channel model) or one image file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="216"/>
        <source>File…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="218"/>
        <source>Reference labels:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="219"/>
        <source>Optional: a folder with a label file CASE&lt;ending&gt; per case, for the Dice. Leave empty to predict without a Dice.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="223"/>
        <source>Output folder:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="224"/>
        <source>Where the predictions are written (created when missing)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="229"/>
        <source>Replace predictions already there (backup kept)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="233"/>
        <source>Predictions of these cases already in the output folder are moved to a backup folder next to it (OUTPUT.nnft-backup-&lt;time&gt;) before the run. Unticked, such a folder is refused.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="238"/>
        <source>Faster: no mirroring (test-time augmentation)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="242"/>
        <source>nnU-Net&apos;s --disable_tta: each case is predicted once instead of once per mirroring (4× faster in 2d, 8× in 3d), a little less accurate.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="250"/>
        <source>Check</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="252"/>
        <source>Check the model, the images and the output folder without predicting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="256"/>
        <source>Predict</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="260"/>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="283"/>
        <source>Predicted cases</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="305"/>
        <source>Prediction</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="306"/>
        <source>Predict, then choose a case to look at.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="334"/>
        <source>Device: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="337"/>
        <source>Choose a workspace and two datasets first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="363"/>
        <source>Choose the model folder (…/&lt;trainer&gt;__&lt;plans&gt;__&lt;config&gt;) or one of its fold folders</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="368"/>
        <source>Choose an exported model zip</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="370"/>
        <source>Zip files (*.zip)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="374"/>
        <source>Choose the folder of images</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="379"/>
        <source>Choose one image</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="384"/>
        <source>Choose the reference labels</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="390"/>
        <source>Choose the output folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="408"/>
        <source>model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="408"/>
        <source>images</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="409"/>
        <source>output folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="420"/>
        <source>Give the {0} first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="423"/>
        <source>Checking the model and the images …</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="435"/>
        <source>Choose another output folder, or tick &quot;Replace predictions already there (backup kept)&quot;: the old files are then moved to a backup folder next to it ({0}.nnft-backup-&lt;time&gt;) first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="448"/>
        <source>✗ Not ready: see the problems above.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="452"/>
        <source>✓ Ready: {0} case(s), model fold(s) {1}, on {2}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="461"/>
        <source>✗ The check failed: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="479"/>
        <source>Predicting …</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="482"/>
        <source>Predicting {0} case(s) with {1}, fold(s) {2}, on {3}; the log: {4}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="491"/>
        <source>Predicting … (nnU-Net&apos;s output below)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="497"/>
        <source>Cancelling …</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="515"/>
        <source>Nothing to look at: the prediction did not finish.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="517"/>
        <source>✗ The prediction failed unexpectedly:
{0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="522"/>
        <source>Cancelled. Predictions already written stay in {0}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="526"/>
        <source>exit status {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="529"/>
        <source>✗ The prediction failed: {0}. nnU-Net&apos;s output is above and in {1}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="532"/>
        <source> Earlier predictions were moved to {0}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="534"/>
        <source>✓ {0} prediction(s) in {1}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="551"/>
        <source>No reference labels given: no Dice.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="557"/>
        <source>Dice vs the reference labels (nnU-Net&apos;s evaluation, mean over the cases)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="570"/>
        <source>Counting the label volumes …</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="581"/>
        <source>Volumes in {0} (voxels × voxel volume)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="585"/>
        <source>The volumes could not be counted: {0}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ValidationPage</name>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="90"/>
        <source>Validate transferred plans</source>
        <extracomment>Background task key: comparing the model with the fine-tuning dataset (latest wins). The dataset&apos;s fingerprint was there (else spacing and intensities are not compared).</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="175"/>
        <source>Pretraining uses the fine-tuning dataset&apos;s plans. Check that the architecture is identical (so the pretrained weights load) and what one training patch covers.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="102"/>
        <source>Reload</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="104"/>
        <source>Read the plans files and images again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="172"/>
        <source>Your dataset is prepared with the model&apos;s plans. Check that the architecture is the model&apos;s (so its weights load), how the model&apos;s plans fit your data, and what one training patch covers.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="183"/>
        <source>identical</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="184"/>
        <source>differs (see Meaning)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="185"/>
        <source>weights will not load</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="187"/>
        <source>changed by the transfer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="189"/>
        <source>Yellow dashed box: one training patch, to scale.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="236"/>
        <source>The plans cannot be checked yet: {problem} {fix}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="239"/>
        <source>Choose a workspace and both datasets first; then the transferred plans can be checked here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="242"/>
        <source>No dataset to show.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="302"/>
        <source>Comparing the model with your data …</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="311"/>
        <source>Does the model fit your data?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="312"/>
        <source>The model&apos;s plans against {dataset}&apos;s own dataset.json and fingerprint.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="317"/>
        <source>Spacing and intensities are compared once your dataset&apos;s fingerprint is extracted (step {0} on the previous page).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="328"/>
        <source>Run the plans transfer first (step {0} on the previous page); until then only the model&apos;s plans are shown.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="333"/>
        <source>The configuration {c} is missing from the model&apos;s or the transferred plans: the model&apos;s weights cannot be matched.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="338"/>
        <source>Your dataset&apos;s plans have the model&apos;s architecture: the model&apos;s weights will load.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="343"/>
        <source>The architecture differs from the model&apos;s in: {names}. The model&apos;s weights will NOT load into the fine-tuning network.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="346"/>
        <source>Transfer the model&apos;s plans again (step {0}) and preprocess with them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="353"/>
        <source>Configuration &lt;b&gt;{c}&lt;/b&gt;: comparing {files}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="354"/>
        <source> with </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="363"/>
        <source>Plan the fine-tuning dataset first (step {0} on the previous page).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="369"/>
        <source>Run the plans transfer first (step {0} on the previous page); until then only the fine-tuning plans are shown.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="385"/>
        <source>Transfer the plans again (step {0}) and re-run preprocessing and pretraining with them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="374"/>
        <source>The configuration {c} is missing from one of the plans files: the pretrained weights cannot be matched.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="378"/>
        <source>The architecture of both plans is identical: the pretrained weights will load.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="383"/>
        <source>The architecture differs in: {names}. The pretrained weights will NOT load into the fine-tuning network.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="390"/>
        <source>{file} does not exist yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="392"/>
        <source>{file} could not be read: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="409"/>
        <source>{names} of the transferred plans do not match your dataset or the chosen identifier: the trainer would use the wrong folders.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="414"/>
        <source>Not architectural, but not what the transfer writes either: {names}. The weights will load, yet the fine-tuning sees data prepared otherwise than the model&apos;s.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="421"/>
        <source>{names} of the transferred plans do not match the pretraining dataset or the chosen identifier: the trainer would use the wrong folders.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="426"/>
        <source>Not architectural, but not what the transfer writes either: {names}. The weights will load, yet pretraining sees differently prepared data.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="439"/>
        <source>(Patch from the fine-tuning plans: the transfer has not run yet.)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="445"/>
        <source>(Patch from the model&apos;s plans: the transfer has not run yet.)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="448"/>
        <source>Pretraining</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="444"/>
        <location filename="../../gui/pages/validation_page.py" line="449"/>
        <source>Fine-tuning</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="453"/>
        <source>{name} has no training cases to show.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="457"/>
        <source>&lt;b&gt;{role}&lt;/b&gt;: {name}, case {case}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>WorkspacePage</name>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="51"/>
        <source>Workspace</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="52"/>
        <source>Where nnU-Net keeps raw data, preprocessed data and results, and where training runs.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="57"/>
        <source>Raw data (nnUNet_raw)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="59"/>
        <source>Preprocessed (nnUNet_preprocessed)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="60"/>
        <source>Results (nnUNet_results)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="63"/>
        <source>Folder for {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="65"/>
        <source>Browse…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="76"/>
        <source>Use one folder for all three…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="78"/>
        <source>Choose a folder; nnFT uses its nnUNet_raw, nnUNet_preprocessed and nnUNet_results subfolders.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="81"/>
        <location filename="../../gui/pages/workspace_page.py" line="242"/>
        <source>Create demo workspace</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="83"/>
        <source>Two small synthetic CT datasets: the whole chain runs on a CPU in a few minutes.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="101"/>
        <source>Training device</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="113"/>
        <source>Tip: nnFT never writes into nnUNet_raw. Its own files (session, logs, backups) go to nnUNet_results/nnFT.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="124"/>
        <source>Plan and preprocess your &lt;b&gt;fine-tuning&lt;/b&gt; dataset: its plans design the network.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="126"/>
        <source>Extract the &lt;b&gt;pretraining&lt;/b&gt; dataset&apos;s fingerprint.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="128"/>
        <source>Move the plans &lt;b&gt;from fine-tuning to pretraining&lt;/b&gt; under a new name (nnU-Net: &lt;code&gt;-s FINETUNE -t PRETRAIN&lt;/code&gt;).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="131"/>
        <source>Copy the pretraining dataset&apos;s dataset.json (the step nnU-Net&apos;s guide misses).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="133"/>
        <source>Preprocess the pretraining dataset with the moved plans.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="135"/>
        <source>Pretrain on all of it (fold &apos;all&apos;).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="136"/>
        <source>Fine-tune on your dataset &lt;b&gt;from the pretrained weights&lt;/b&gt;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="138"/>
        <source>Optionally, train your dataset &lt;b&gt;from scratch&lt;/b&gt; too, to see whether the pretraining helped.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="141"/>
        <source>Import the model: nnFT copies its plans and the checkpoint the fine-tuning starts from.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="143"/>
        <source>Extract your dataset&apos;s fingerprint (compared with the model&apos;s plans: a CT model on MRI data is warned about).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="146"/>
        <source>Give your dataset the &lt;b&gt;model&apos;s plans&lt;/b&gt; under a new name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="148"/>
        <source>Preprocess your dataset with them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="159"/>
        <source>Or, starting from a model someone else trained (no pretraining here):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="162"/>
        <source>then fine-tune (and optionally the baseline) as above. </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="163"/>
        <source>Every step checks its inputs first, never overwrites existing plans or results, and can be stopped and continued.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="173"/>
        <source>Looking for NVIDIA GPUs …</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="176"/>
        <source>GPU {0}: {1} ({2:.0f} GB)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="179"/>
        <source>Apple GPU (MPS)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="180"/>
        <source>CPU (slow; fine for quick trials)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="219"/>
        <source>Choose a folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="224"/>
        <source>Choose the workspace folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="230"/>
        <source>Where should the demo workspace go?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="236"/>
        <source>Creating…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="253"/>
        <source>Demo workspace</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>nnFT</name>
    <message>
        <location filename="../../gui/app.py" line="64"/>
        <source>Unexpected error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/app.py" line="65"/>
        <source>nnFT hit an unexpected error: {0}

Details were written to {1}.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
