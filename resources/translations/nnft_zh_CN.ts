<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>ClusterPage</name>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="174"/>
        <source>SLURM cluster</source>
        <extracomment>Lines of a job&apos;s log shown under the table. Background task keys: the latest poll wins; one submit and one cancel at a time; the latest question whether a Slurm controller answers at all wins. Whose curves ``reference`` is: ``pretrain`` (under a fine-tuning) or ``finetune`` (the same fold&apos;s fine-tuning, under the from-scratch baseline); empty without one. How often Slurm is asked while the page is shown (tests shorten it).</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="201"/>
        <source>The curves of the selected training job appear here once it has finished its first epoch.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="211"/>
        <source>The log of the selected job appears here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="226"/>
        <source>Jobs to submit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="232"/>
        <source>Cluster profiles are saved per user in {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="235"/>
        <source>Save profile…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="240"/>
        <location filename="../../gui/pages/cluster_page.py" line="243"/>
        <source>cluster default</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="247"/>
        <source>GPUs per training job (--gres=gpu:N); 0 trains on the CPU.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="252"/>
        <source>nnU-Net&apos;s -num_gpus: one training on several GPUs (DDP); at most the GPUs per job.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="261"/>
        <source>Per job run, e.g. 24:00:00 or 2-00:00:00. Trainings are requeued and continue beyond it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="266"/>
        <source> s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="268"/>
        <source>How long before the time limit a training is asked to checkpoint and requeue itself (--signal=B:USR1@s); must cover one epoch.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="272"/>
        <source>Fine-tuning folds: 0, 0-4 or 0,1,2 (a job array, one task per fold) or all.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="276"/>
        <source>--qos=long</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="277"/>
        <source>More #SBATCH options, one per line.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="280"/>
        <source>module load cuda</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="282"/>
        <source>Bash lines run first in every job, e.g. module load cuda, or source /path/venv/bin/activate. Empty: this Python&apos;s bin folder first on PATH.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="301"/>
        <source>Profile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="303"/>
        <source>Partition</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="304"/>
        <source>Account</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="305"/>
        <source>GPUs per job</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="306"/>
        <source>-num_gpus</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="307"/>
        <source>CPUs per job</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="308"/>
        <source>Memory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="309"/>
        <source>Time limit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="310"/>
        <source>Stop before end</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="311"/>
        <source>Folds</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="312"/>
        <source>#SBATCH</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="313"/>
        <source>Set-up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="317"/>
        <source>Show job scripts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="320"/>
        <source>Export script…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="322"/>
        <source>One bash file that writes the job scripts and submits them, for a cluster this computer cannot reach.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="326"/>
        <location filename="../../gui/pages/cluster_page.py" line="602"/>
        <source>Submit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="345"/>
        <source>Submitted chains</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="352"/>
        <source>Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="355"/>
        <location filename="../../gui/pages/cluster_page.py" line="940"/>
        <location filename="../../gui/pages/cluster_page.py" line="947"/>
        <source>Cancel chain</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="369"/>
        <source>Job</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="369"/>
        <source>Slurm id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="370"/>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="370"/>
        <source>Epochs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="371"/>
        <source>Restarts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="421"/>
        <source>Slurm&apos;s commands (sbatch, squeue, scancel) are not installed on this computer. Run nnFT on the cluster&apos;s login node, or export the chain as a script (Export script…) and run it there with bash.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="434"/>
        <source>Fine-tuning preset: {0}; from-scratch baseline: yes (4_baseline)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="436"/>
        <source>Fine-tuning preset: {0}; from-scratch baseline: no</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="439"/>
        <source>Chosen on the fine-tuning page.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="441"/>
        <source>The baseline trains the same folds without the pretrained weights, in a job of its own that waits only for the preparation, so it runs alongside the pretraining.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="453"/>
        <source>Asking Slurm …</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="465"/>
        <source>Slurm is installed on this computer but reaches no cluster, so nothing can be submitted or followed from here. What to do is below.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="469"/>
        <source>Slurm&apos;s controller answers now.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="478"/>
        <source>Last refreshed at {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="480"/>
        <source>no Slurm controller reachable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="508"/>
        <source>Fix or delete {0}; nnFT&apos;s defaults are used meanwhile.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="515"/>
        <source>nnFT defaults</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="566"/>
        <source>Save cluster profile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="567"/>
        <source>Name of the profile (one per cluster or account):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="584"/>
        <source>The profile could not be saved: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="585"/>
        <source>Check that {0} is writable.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="589"/>
        <source>Saved cluster profile &apos;{0}&apos; to {1}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="602"/>
        <source>Submitting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="618"/>
        <source>Choose a workspace and both datasets first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="619"/>
        <source>Go back to the Datasets page.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="638"/>
        <source># Every step is done already: nothing would be submitted.
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="652"/>
        <source>Job scripts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="665"/>
        <source>Export the chain for SLURM</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="667"/>
        <source>Bash scripts (*.sh)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="685"/>
        <source>Could not write {0}: {1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="687"/>
        <source>Wrote {0}; run it with bash on the cluster&apos;s login node.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="702"/>
        <source>Run nnFT on the cluster&apos;s login node, or use Export script… and run the file there with bash.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="715"/>
        <source>Submitting the chain to Slurm …</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="730"/>
        <source>Nothing was submitted: Slurm is installed on this computer but reaches no cluster. What to do is below.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="734"/>
        <source>Nothing was submitted: see the problems below.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="746"/>
        <source>Every step is done already: the fine-tuned model is in {0}. Nothing was submitted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="739"/>
        <source>Jobs already submitted for this chain were cancelled again. Check the partition, account and limits (sinfo, sacctmgr show assoc).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="176"/>
        <source>Run the chain as cluster jobs: preparation, pretraining, then the fine-tuning folds as a job array (and, when chosen, the from-scratch baseline of the same folds alongside the pretraining). Each training checkpoints before its time limit and requeues itself. Follow the jobs here; the curves are read from the results folder.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="741"/>
        <source>Slurm refused the chain.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="755"/>
        <source>Submitted chain {0}: {1}. Scripts and job logs: {2}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="761"/>
        <source>Nothing was submitted: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="794"/>
        <source>No chain was submitted from this workspace yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="796"/>
        <source>Scripts and job logs: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="843"/>
        <source>Could not read the job states: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="869"/>
        <source>from {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="878"/>
        <location filename="../../gui/pages/cluster_page.py" line="912"/>
        <source>pretraining</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="885"/>
        <source>Chain {0} finished: fine-tuned model(s) in the results folder.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="889"/>
        <source>{0} (job {1})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="891"/>
        <source>nothing yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="892"/>
        <source>Chain {0}: running {1}. Updated every {2:.0f} s.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="897"/>
        <source>Chain {0} ended without finishing ({1}). Submit again to continue from the checkpoints.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="907"/>
        <source>fine-tuning fold {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="876"/>
        <location filename="../../gui/pages/cluster_page.py" line="908"/>
        <source>fine-tuning</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="910"/>
        <source>baseline (from scratch), fold {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="911"/>
        <source>baseline (from scratch)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="912"/>
        <source>preparation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="924"/>
        <source>Cancel the chain</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="925"/>
        <source>Cancel every job of chain {0}? Running trainings stop at once; their last checkpoint stays on disk and a new Submit continues from it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="935"/>
        <source>Cancelling…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="941"/>
        <source>Cancelled chain {0}: scancel {1}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DatasetsPage</name>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="34"/>
        <source>Datasets and direction</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="35"/>
        <source>Pretrain on a large dataset, fine-tune on yours. nnFT moves plans and weights the right way round.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="52"/>
        <source>Pretraining (source of weights)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="56"/>
        <source>Fine-tuning (your target)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="60"/>
        <source>⇄ Swap</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="62"/>
        <source>Exchange the roles of the two datasets</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="84"/>
        <source>(choose a dataset)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="136"/>
        <source>dataset.json cannot be used (see below)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="139"/>
        <source>{0} cases · channels: {1} · labels: {2}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="145"/>
        <source>median spacing {0} mm · median size {1} voxels</source>
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
        <location filename="../../gui/widgets/direction_diagram.py" line="57"/>
        <source>plans  (step {n}: move_plans -s {ft} -t {pt})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/direction_diagram.py" line="61"/>
        <source>weights  (step {n}: nnUNetv2_train {ft} ... -pretrained_weights)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/direction_diagram.py" line="73"/>
        <source>your target · {0} cases</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/direction_diagram.py" line="78"/>
        <source>source of weights</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/direction_diagram.py" line="80"/>
        <source>only {0} cases: the smaller one</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/direction_diagram.py" line="82"/>
        <source>source of weights · {0} cases</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/direction_diagram.py" line="92"/>
        <source>Fine-tuning dataset</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/direction_diagram.py" line="93"/>
        <location filename="../../gui/widgets/direction_diagram.py" line="95"/>
        <source>(choose)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/direction_diagram.py" line="72"/>
        <source>your target</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/direction_diagram.py" line="94"/>
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
        <location filename="../../gui/pages/plans_page.py" line="71"/>
        <source>Plans transfer</source>
        <extracomment>The steps this page runs, from the registry (their keys, in chain order). Stands for the plans identifier in the commands while the one typed is refused.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="72"/>
        <source>Plan the fine-tuning dataset, move its plans to the pretraining dataset under a new name, and preprocess both.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="79"/>
        <source>Configuration</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="84"/>
        <source>The pretraining dataset receives the fine-tuning plans under this name (-tp). nnU-Net&apos;s default names would overwrite its own plans.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="87"/>
        <source>Suggest</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="93"/>
        <source>New plans identifier</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="110"/>
        <source>Reuse the existing plans file of this name if it is identical (a backup is made first)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="116"/>
        <source>Move data folders that are in the way to nnFT&apos;s backup folder, then replace them</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="119"/>
        <source>Without this, nnFT refuses to run a step that would delete a folder it did not make itself. With it, the folder is moved to nnUNet_results/nnFT/backups first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="131"/>
        <source>Step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="131"/>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="160"/>
        <source>Run steps {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="163"/>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="237"/>
        <source>A new plans file will be written; nothing existing is touched.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="245"/>
        <source># Not runnable yet: the plans identifier &apos;{0}&apos; is refused (see above).
# {1} stands for the identifier you choose.
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="256"/>
        <location filename="../../gui/pages/plans_page.py" line="257"/>
        <source>done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="256"/>
        <source>pending</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="285"/>
        <source>Backed up {0} to {1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="312"/>
        <source>Cancelling …</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="339"/>
        <source>Step {0} {1}: {2}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="341"/>
        <source>Full log: {0}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PlansTable</name>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="68"/>
        <source>Setting</source>
        <extracomment>Background, text colour per status. Text colours are set too, so dark themes stay legible.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="69"/>
        <source>Fine-tuning plans</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="70"/>
        <source>Transferred plans</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="71"/>
        <source>Pretraining&apos;s own plans</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="72"/>
        <source>Meaning</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="80"/>
        <source>Identity (renamed by the transfer)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="81"/>
        <source>Training patches</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="82"/>
        <source>Intensity normalization</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="83"/>
        <source>Network architecture (must be identical)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="90"/>
        <source>Dataset name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="91"/>
        <source>Plans identifier</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="92"/>
        <source>Preprocessed data folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="93"/>
        <source>Patch size (voxels)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="94"/>
        <source>Batch size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="95"/>
        <source>Target spacing (mm)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="96"/>
        <source>Normalization, channel {i}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="97"/>
        <source>Foreground mean, channel {i}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="98"/>
        <source>Foreground std, channel {i}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="99"/>
        <source>Clip low (0.5th pct.), channel {i}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="100"/>
        <source>Clip high (99.5th pct.), channel {i}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="101"/>
        <source>Input channels (dataset.json)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="102"/>
        <source>Network class</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="103"/>
        <source>Number of stages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="104"/>
        <source>Stage {i} features</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="105"/>
        <source>Stage {i} kernel size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="106"/>
        <source>Stage {i} stride</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="107"/>
        <source>Stage {i} convolutions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="115"/>
        <source>Identical</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="117"/>
        <source>Not available (plans file or configuration missing)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="120"/>
        <source>Expected: set to the pretraining dataset, so pretraining reads its own data.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="122"/>
        <source>Expected: the new identifier (-tp) keeps the pretraining dataset&apos;s own plans intact.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="124"/>
        <source>Expected: the data folder is named after the new identifier.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="126"/>
        <source>Expected difference</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="129"/>
        <source>Wrong: must name the pretraining dataset, otherwise the trainer reads another dataset&apos;s preprocessed data.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="131"/>
        <source>Wrong: must be the chosen plans identifier; the results folder would be named after another identifier.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="134"/>
        <source>Differs: the pretrained weights will NOT load.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="136"/>
        <source>Unexpected: the transfer copies this. Weights still load, but pretraining sees intensities normalized differently.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="138"/>
        <source>Unexpected: the transfer copies this. Weights still load, but pretraining sees patches prepared differently.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="197"/>
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
        <location filename="../../gui/pages/summary_page.py" line="66"/>
        <source>Choose a workspace and two datasets first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/summary_page.py" line="75"/>
        <source>Pretraining dataset: {0} · fine-tuning dataset: {1} · configuration {2} · transferred plans &apos;{3}&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/summary_page.py" line="80"/>
        <source>Pretrained weights: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/summary_page.py" line="82"/>
        <source>Fine-tuned model: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/summary_page.py" line="83"/>
        <source>Trained from scratch for comparison (baseline): {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/summary_page.py" line="93"/>
        <source>frozen epochs: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/summary_page.py" line="94"/>
        <source>Fine-tuning preset: {0} (trainer {1})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/summary_page.py" line="105"/>
        <source>Save script</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/summary_page.py" line="107"/>
        <source>Shell scripts (*.sh)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TrainingPage</name>
    <message>
        <location filename="../../gui/pages/training_page.py" line="419"/>
        <source>Pretraining</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="420"/>
        <source>Train on the pretraining dataset with the transferred plans, on all of its cases (fold &apos;all&apos;).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="422"/>
        <source>Fine-tuning</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="423"/>
        <source>Train on your dataset, starting from the pretrained weights (all layers but the segmentation head).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="456"/>
        <source>Browse…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="462"/>
        <location filename="../../gui/pages/training_page.py" line="769"/>
        <source>Check weights</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="465"/>
        <source>Build the fine-tuning network and compare every layer with the checkpoint, without running any code stored in it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="469"/>
        <location filename="../../gui/pages/training_page.py" line="812"/>
        <source>Pretrained weights</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="479"/>
        <source>Fold</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="493"/>
        <location filename="../../gui/pages/training_page.py" line="840"/>
        <source>Start</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="496"/>
        <source>Stop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="685"/>
        <source>The run outside the wizard has stopped or finished.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="425"/>
        <source>pretraining</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="789"/>
        <source>{0} does not exist yet: finish the pretraining first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="760"/>
        <source>Checking…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="426"/>
        <source>Baseline: from scratch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="427"/>
        <source>Train your dataset again without the pretrained weights (same fold, configuration, plans and epochs), to see whether the pretraining helped.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="430"/>
        <source>fine-tuned</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="503"/>
        <source>Epochs are counted from 1 here (and in nnft run, nnft monitor and the plots); nnU-Net&apos;s log counts from 0: its &quot;Epoch 0&quot; is epoch 1 here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="601"/>
        <source>A training of this fold that nnFT started is running outside this window (process {0}). Following it: the curves update every few seconds.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="605"/>
        <source>An nnUNetv2_train of this fold, started outside nnFT, is running (process {0}). Following it: the curves update every few seconds.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="609"/>
        <source>nnFT started a training of this fold on {0}, and its log was written {1} s ago: it probably still runs there (this machine cannot check). Following its log.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="621"/>
        <source>— output of the running training (process {0}), from {1} —</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="728"/>
        <source>The weights check was dropped: its inputs changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="763"/>
        <source>Checking the weights against the fine-tuning network …</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="784"/>
        <source>✗ File not found: {0}. Check the path, or choose the checkpoint with Browse…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="793"/>
        <source>✓ The weights fit: {0} layers are loaded, {1} of the segmentation head are trained anew.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="797"/>
        <source>✗ These weights do not fit the fine-tuning network (details below).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="805"/>
        <source>✗ The weights could not be checked: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="814"/>
        <source>nnU-Net checkpoints (*.pth)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="834"/>
        <source>Finish validation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="836"/>
        <source>Run only nnU-Net&apos;s final validation of the finished training (nnUNetv2_train … --val): it writes validation/summary.json with the real Dice. The training is not repeated.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="840"/>
        <source>Resume</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="877"/>
        <location filename="../../gui/pages/training_page.py" line="1110"/>
        <source>about {0} left</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="879"/>
        <source>EMA pseudo dice {0:.3f}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="882"/>
        <source>No epoch yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="884"/>
        <source>Finished: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="928"/>
        <source>Checking that the pretrained weights fit the fine-tuning network …</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="964"/>
        <source>Not started: the pretrained weights do not fit (see the problems below).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="972"/>
        <source>Not started: the pretrained weights could not be checked ({0}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="939"/>
        <source>The pretrained weights {0} do not exist yet: finish the pretraining first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="991"/>
        <source>Starting nnU-Net …</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="1057"/>
        <source>Stop training</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="1055"/>
        <source>{0} cannot stop gracefully: stopping now loses the epochs since its last checkpoint (nnU-Net writes one every 50 epochs). Stop anyway?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="561"/>
        <source>The baseline is nnU-Net&apos;s default training of your dataset from scratch (learning rate 1e-2, whatever the fine-tuning preset), with the fine-tuning&apos;s epochs, iterations, fold ({0}), configuration and plans. Change them on the fine-tuning page.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="862"/>
        <source>The training is finished (checkpoint_final.pth is written). nnU-Net&apos;s final validation now predicts every validation case with the trained model and writes the real Dice to validation/summary.json. Stop ends the validation: the trained model is kept, and &quot;Finish validation&quot; runs it later.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="870"/>
        <source>Epoch {0} of {1} done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="873"/>
        <source>training finished</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="875"/>
        <source>training finished, final validation starting …</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="888"/>
        <source>Trained ({0}), but nnU-Net&apos;s final validation did not finish (stopped or killed during it). &quot;Finish validation&quot; runs only the validation (nnUNetv2_train … --val).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="894"/>
        <source>Stopped after epoch {0} of {1} (checkpoint written). Resume continues with epoch {2}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="960"/>
        <source>Not started: there are no pretrained weights at {0}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="1015"/>
        <source>Stopping the run outside the wizard after this epoch (a checkpoint is written) …</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="1039"/>
        <source>Stopping the final validation now. The trained model is kept (checkpoint_final.pth); &quot;Finish validation&quot; runs the validation later.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="1043"/>
        <source>Stopping after this epoch (a checkpoint is written) … If this is the last epoch, the final validation is left for &quot;Finish validation&quot;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="1049"/>
        <source>nnU-Net is running its final validation; the training itself is finished (checkpoint_final.pth). Stopping now ends the validation: the trained model is kept, and &quot;Finish validation&quot; runs the validation later. Stop the validation?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="1067"/>
        <source>Running. Log: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="1105"/>
        <source>Final validation: {0} / {1} cases</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="1108"/>
        <source>Final validation: {0} cases</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="1118"/>
        <source>Failed: {0}. Last lines:
{1}
Full log: {2}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="1121"/>
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
        <location filename="../../gui/pages/training_page.py" line="321"/>
        <source>Quick trial (nnFT, short run)</source>
        <extracomment>Background task keys: one weights check at a time; the latest read of the logs wins. Start&apos;s weights check runs after Start&apos;s file lookups (WEIGHTS_TASK) have answered. Reading the output a followed run (started by nnFT outside this window) wrote to its log. A weights check that takes longer than this (seconds) is given up. The training phases, keyed by page and step key.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="322"/>
        <source>nnUNetTrainer (nnU-Net default, 1000 epochs)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="324"/>
        <source>nnFTTrainer (nnU-Net default + safe stop)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="332"/>
        <source>final validation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="335"/>
        <source>After the last epoch nnU-Net predicts every validation case with the trained model (the pretraining&apos;s fold &apos;all&apos;: every pretraining case) and writes the real Dice to validation/summary.json. The quick trial predicts each case once (no mirroring); on the demo on a shared 2-core CPU that took 1.7 of the pretraining&apos;s 3.8 minutes (12 cases) and 15 s of the fine-tuning&apos;s 46 s (2 cases). Off: the run ends after the last epoch, without real Dice.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="345"/>
        <source>Final validation: real Dice in validation/summary.json, one prediction per validation case (demo, 2-core CPU: 1.7 of the pretraining&apos;s 3.8 minutes).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="352"/>
        <source>epochs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="354"/>
        <source>iterations per epoch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="358"/>
        <source>Trainer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="364"/>
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
        <location filename="../../gui/pages/validation_page.py" line="52"/>
        <source>Validate transferred plans</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="54"/>
        <source>Pretraining uses the fine-tuning dataset&apos;s plans. Check that the architecture is identical (so the pretrained weights load) and what one training patch covers.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="66"/>
        <source>Reload</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="68"/>
        <source>Read the plans files and images again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="121"/>
        <source>identical</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="122"/>
        <source>differs (see Meaning)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="123"/>
        <source>weights will not load</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="125"/>
        <source>changed by the transfer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="127"/>
        <source>Yellow dashed box: one training patch, to scale.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="162"/>
        <source>The plans cannot be checked yet: {problem} {fix}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="165"/>
        <source>Choose a workspace and both datasets first; then the transferred plans can be checked here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="168"/>
        <source>No dataset to show.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="207"/>
        <source>Configuration &lt;b&gt;{c}&lt;/b&gt;: comparing {files}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="208"/>
        <source> with </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="217"/>
        <source>Plan the fine-tuning dataset first (step {0} on the previous page).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="223"/>
        <source>Run the plans transfer first (step {0} on the previous page); until then only the fine-tuning plans are shown.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="239"/>
        <source>Transfer the plans again (step {0}) and re-run preprocessing and pretraining with them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="228"/>
        <source>The configuration {c} is missing from one of the plans files: the pretrained weights cannot be matched.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="232"/>
        <source>The architecture of both plans is identical: the pretrained weights will load.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="237"/>
        <source>The architecture differs in: {names}. The pretrained weights will NOT load into the fine-tuning network.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="244"/>
        <source>{file} does not exist yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="246"/>
        <source>{file} could not be read: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="262"/>
        <source>{names} of the transferred plans do not match the pretraining dataset or the chosen identifier: the trainer would use the wrong folders.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="267"/>
        <source>Not architectural, but not what the transfer writes either: {names}. The weights will load, yet pretraining sees differently prepared data.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="280"/>
        <source>(Patch from the fine-tuning plans: the transfer has not run yet.)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="283"/>
        <source>Pretraining</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="284"/>
        <source>Fine-tuning</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="288"/>
        <source>{name} has no training cases to show.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="292"/>
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
        <location filename="../../gui/pages/workspace_page.py" line="226"/>
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
        <location filename="../../gui/pages/workspace_page.py" line="147"/>
        <source>Every step checks its inputs first, never overwrites existing plans or results, and can be stopped and continued.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="157"/>
        <source>Looking for NVIDIA GPUs …</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="160"/>
        <source>GPU {0}: {1} ({2:.0f} GB)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="163"/>
        <source>Apple GPU (MPS)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="164"/>
        <source>CPU (slow; fine for quick trials)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="203"/>
        <source>Choose a folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="208"/>
        <source>Choose the workspace folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="214"/>
        <source>Where should the demo workspace go?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="220"/>
        <source>Creating…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="237"/>
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
