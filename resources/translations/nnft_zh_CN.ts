<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>ClusterPage</name>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="174"/>
        <source>SLURM cluster</source>
        <extracomment>Lines of a job&apos;s log shown under the table. Background task keys: the latest poll wins; one submit and one cancel at a time; the latest question whether a Slurm controller answers at all wins. Whose curves ``reference`` is: ``pretrain`` (under a fine-tuning) or ``finetune`` (the same fold&apos;s fine-tuning, under the from-scratch baseline); empty without one. How often Slurm is asked while the page is shown (tests shorten it).</extracomment>
        <translation>SLURM 集群</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="201"/>
        <source>The curves of the selected training job appear here once it has finished its first epoch.</source>
        <translation>所选训练作业完成第一轮后，其曲线显示在这里。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="211"/>
        <source>The log of the selected job appears here.</source>
        <translation>所选作业的日志显示在这里。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="226"/>
        <source>Jobs to submit</source>
        <translation>待提交的作业</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="232"/>
        <source>Cluster profiles are saved per user in {0}</source>
        <translation>集群档案按用户保存在 {0}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="235"/>
        <source>Save profile…</source>
        <translation>保存档案…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="240"/>
        <location filename="../../gui/pages/cluster_page.py" line="243"/>
        <source>cluster default</source>
        <translation>集群默认值</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="247"/>
        <source>GPUs per training job (--gres=gpu:N); 0 trains on the CPU.</source>
        <translation>每个训练作业的 GPU 数（--gres=gpu:N）；0 表示在 CPU 上训练。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="252"/>
        <source>nnU-Net&apos;s -num_gpus: one training on several GPUs (DDP); at most the GPUs per job.</source>
        <translation>nnU-Net 的 -num_gpus：一次训练使用多个 GPU（DDP）；最多为每个作业的 GPU 数。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="261"/>
        <source>Per job run, e.g. 24:00:00 or 2-00:00:00. Trainings are requeued and continue beyond it.</source>
        <translation>每次作业运行的时长，例如 24:00:00 或 2-00:00:00。训练会重新排队，超过此时长后继续。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="266"/>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="268"/>
        <source>How long before the time limit a training is asked to checkpoint and requeue itself (--signal=B:USR1@s); must cover one epoch.</source>
        <translation>在时间限制到达前多久要求训练保存检查点并重新排队（--signal=B:USR1@s）；必须足够完成一轮。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="272"/>
        <source>Fine-tuning folds: 0, 0-4 or 0,1,2 (a job array, one task per fold) or all.</source>
        <translation>微调的折：0、0-4 或 0,1,2（作业数组，每折一个任务），或 all。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="276"/>
        <source>--qos=long</source>
        <translation>--qos=long</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="277"/>
        <source>More #SBATCH options, one per line.</source>
        <translation>更多 #SBATCH 选项，每行一个。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="280"/>
        <source>module load cuda</source>
        <translation>module load cuda</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="282"/>
        <source>Bash lines run first in every job, e.g. module load cuda, or source /path/venv/bin/activate. Empty: this Python&apos;s bin folder first on PATH.</source>
        <translation>每个作业最先运行的 bash 行，例如 module load cuda 或 source /path/venv/bin/activate。留空：把当前 Python 的 bin 文件夹放在 PATH 最前面。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="301"/>
        <source>Profile</source>
        <translation>档案</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="303"/>
        <source>Partition</source>
        <translation>分区</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="304"/>
        <source>Account</source>
        <translation>账户</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="305"/>
        <source>GPUs per job</source>
        <translation>每作业 GPU 数</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="306"/>
        <source>-num_gpus</source>
        <translation>-num_gpus</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="307"/>
        <source>CPUs per job</source>
        <translation>每作业 CPU 数</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="308"/>
        <source>Memory</source>
        <translation>内存</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="309"/>
        <source>Time limit</source>
        <translation>时间限制</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="310"/>
        <source>Stop before end</source>
        <translation>结束前停止</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="311"/>
        <source>Folds</source>
        <translation>折</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="312"/>
        <source>#SBATCH</source>
        <translation>#SBATCH</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="313"/>
        <source>Set-up</source>
        <translation>环境准备</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="317"/>
        <source>Show job scripts</source>
        <translation>显示作业脚本</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="320"/>
        <source>Export script…</source>
        <translation>导出脚本…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="322"/>
        <source>One bash file that writes the job scripts and submits them, for a cluster this computer cannot reach.</source>
        <translation>一个 bash 文件，写出作业脚本并提交它们，用于本机无法访问的集群。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="326"/>
        <location filename="../../gui/pages/cluster_page.py" line="602"/>
        <source>Submit</source>
        <translation>提交</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="345"/>
        <source>Submitted chains</source>
        <translation>已提交的流程</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="352"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="355"/>
        <location filename="../../gui/pages/cluster_page.py" line="942"/>
        <location filename="../../gui/pages/cluster_page.py" line="949"/>
        <source>Cancel chain</source>
        <translation>取消流程</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="369"/>
        <source>Job</source>
        <translation>作业</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="369"/>
        <source>Slurm id</source>
        <translation>Slurm 作业号</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="370"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="370"/>
        <source>Epochs</source>
        <translation>轮数</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="371"/>
        <source>Restarts</source>
        <translation>重启次数</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="421"/>
        <source>Slurm&apos;s commands (sbatch, squeue, scancel) are not installed on this computer. Run nnFT on the cluster&apos;s login node, or export the chain as a script (Export script…) and run it there with bash.</source>
        <translation>本机未安装 Slurm 的命令（sbatch、squeue、scancel）。请在集群的登录节点上运行 nnFT，或将流程导出为脚本（导出脚本…）并在那里用 bash 运行。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="434"/>
        <source>Fine-tuning preset: {0}; from-scratch baseline: yes (4_baseline)</source>
        <translation>微调预设：{0}；从头训练的基线：是（4_baseline）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="436"/>
        <source>Fine-tuning preset: {0}; from-scratch baseline: no</source>
        <translation>微调预设：{0}；从头训练的基线：否</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="439"/>
        <source>Chosen on the fine-tuning page.</source>
        <translation>在微调页面上选择。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="441"/>
        <source>The baseline trains the same folds without the pretrained weights, in a job of its own that waits only for the preparation, so it runs alongside the pretraining.</source>
        <translation>基线不使用预训练权重训练相同的折，作为单独的作业，只等待准备步骤，因此与预训练同时运行。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="453"/>
        <source>Asking Slurm …</source>
        <translation>正在询问 Slurm …</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="465"/>
        <source>Slurm is installed on this computer but reaches no cluster, so nothing can be submitted or followed from here. What to do is below.</source>
        <translation>本机已安装 Slurm，但连接不到任何集群，因此无法从这里提交或跟踪作业。解决方法见下方。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="469"/>
        <source>Slurm&apos;s controller answers now.</source>
        <translation>Slurm 的控制器现在有响应了。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="478"/>
        <source>Last refreshed at {0}</source>
        <translation>最后刷新于 {0}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="480"/>
        <source>no Slurm controller reachable</source>
        <translation>无法连接 Slurm 控制器</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="508"/>
        <source>Fix or delete {0}; nnFT&apos;s defaults are used meanwhile.</source>
        <translation>请修复或删除 {0}；在此期间使用 nnFT 的默认值。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="515"/>
        <source>nnFT defaults</source>
        <translation>nnFT 默认值</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="566"/>
        <source>Save cluster profile</source>
        <translation>保存集群档案</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="567"/>
        <source>Name of the profile (one per cluster or account):</source>
        <translation>档案名称（每个集群或账户一个）：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="584"/>
        <source>The profile could not be saved: {0}</source>
        <translation>无法保存档案：{0}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="585"/>
        <source>Check that {0} is writable.</source>
        <translation>请检查 {0} 是否可写。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="589"/>
        <source>Saved cluster profile &apos;{0}&apos; to {1}.</source>
        <translation>已将集群档案“{0}”保存到 {1}。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="602"/>
        <source>Submitting…</source>
        <translation>正在提交…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="619"/>
        <source>Go back to the Datasets page.</source>
        <translation>返回“数据集与方向”页面。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="640"/>
        <source># Every step is done already: nothing would be submitted.
</source>
        <translation># 所有步骤都已完成：没有需要提交的内容。
</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="654"/>
        <source>Job scripts</source>
        <translation>作业脚本</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="667"/>
        <source>Export the chain for SLURM</source>
        <translation>导出 SLURM 流程</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="669"/>
        <source>Bash scripts (*.sh)</source>
        <translation>Bash 脚本 (*.sh)</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="687"/>
        <source>Could not write {0}: {1}</source>
        <translation>无法写入 {0}：{1}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="689"/>
        <source>Wrote {0}; run it with bash on the cluster&apos;s login node.</source>
        <translation>已写入 {0}；请在集群的登录节点上用 bash 运行它。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="704"/>
        <source>Run nnFT on the cluster&apos;s login node, or use Export script… and run the file there with bash.</source>
        <translation>请在集群的登录节点上运行 nnFT，或使用“导出脚本…”并在那里用 bash 运行该文件。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="717"/>
        <source>Submitting the chain to Slurm …</source>
        <translation>正在向 Slurm 提交流程 …</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="732"/>
        <source>Nothing was submitted: Slurm is installed on this computer but reaches no cluster. What to do is below.</source>
        <translation>未提交任何作业：本机已安装 Slurm，但连接不到任何集群。解决方法见下方。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="736"/>
        <source>Nothing was submitted: see the problems below.</source>
        <translation>未提交任何作业：请查看下方的问题。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="748"/>
        <source>Every step is done already: the fine-tuned model is in {0}. Nothing was submitted.</source>
        <translation>所有步骤都已完成：微调后的模型在 {0}。未提交任何作业。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="741"/>
        <source>Jobs already submitted for this chain were cancelled again. Check the partition, account and limits (sinfo, sacctmgr show assoc).</source>
        <translation>已为该流程提交的作业又被取消了。请检查分区、账户和限制（sinfo、sacctmgr show assoc）。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="176"/>
        <source>Run the chain as cluster jobs: preparation, pretraining, then the fine-tuning folds as a job array (and, when chosen, the from-scratch baseline of the same folds alongside the pretraining). Each training checkpoints before its time limit and requeues itself. Follow the jobs here; the curves are read from the results folder.</source>
        <translation>以集群作业运行流程：准备、预训练，然后以作业数组运行微调的各折（如已选择，还会与预训练同时运行相同折的从头训练基线）。每个训练在时间限制前保存检查点并重新排队。在这里跟踪作业；曲线从结果文件夹读取。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="618"/>
        <source>Choose a workspace and both datasets (or a fine-tuning dataset and a model) first.</source>
        <translation>请先选择工作区和两个数据集（或一个微调数据集和一个模型）。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="743"/>
        <source>Slurm refused the chain.</source>
        <translation>Slurm 拒绝了该流程。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="757"/>
        <source>Submitted chain {0}: {1}. Scripts and job logs: {2}</source>
        <translation>已提交流程 {0}：{1}。脚本和作业日志：{2}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="763"/>
        <source>Nothing was submitted: {0}</source>
        <translation>未提交任何作业：{0}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="796"/>
        <source>No chain was submitted from this workspace yet.</source>
        <translation>此工作区尚未提交过任何流程。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="798"/>
        <source>Scripts and job logs: {0}</source>
        <translation>脚本和作业日志：{0}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="845"/>
        <source>Could not read the job states: {0}</source>
        <translation>无法读取作业状态：{0}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="871"/>
        <source>from {0}</source>
        <translation>来自 {0}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="880"/>
        <location filename="../../gui/pages/cluster_page.py" line="914"/>
        <source>pretraining</source>
        <translation>预训练</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="887"/>
        <source>Chain {0} finished: fine-tuned model(s) in the results folder.</source>
        <translation>流程 {0} 已完成：微调后的模型在结果文件夹中。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="891"/>
        <source>{0} (job {1})</source>
        <translation>{0}（作业 {1}）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="893"/>
        <source>nothing yet</source>
        <translation>尚无</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="894"/>
        <source>Chain {0}: running {1}. Updated every {2:.0f} s.</source>
        <translation>流程 {0}：正在运行 {1}。每 {2:.0f} 秒更新一次。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="899"/>
        <source>Chain {0} ended without finishing ({1}). Submit again to continue from the checkpoints.</source>
        <translation>流程 {0} 未完成就结束了（{1}）。再次提交即可从检查点继续。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="909"/>
        <source>fine-tuning fold {0}</source>
        <translation>微调（折 {0}）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="878"/>
        <location filename="../../gui/pages/cluster_page.py" line="910"/>
        <source>fine-tuning</source>
        <translation>微调</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="912"/>
        <source>baseline (from scratch), fold {0}</source>
        <translation>基线（从头训练，折 {0}）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="913"/>
        <source>baseline (from scratch)</source>
        <translation>基线（从头训练）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="914"/>
        <source>preparation</source>
        <translation>准备</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="926"/>
        <source>Cancel the chain</source>
        <translation>取消流程</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="927"/>
        <source>Cancel every job of chain {0}? Running trainings stop at once; their last checkpoint stays on disk and a new Submit continues from it.</source>
        <translation>取消流程 {0} 的所有作业？正在运行的训练会立即停止；最后一个检查点保留在磁盘上，再次提交时从它继续。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="937"/>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/cluster_page.py" line="943"/>
        <source>Cancelled chain {0}: scancel {1}</source>
        <translation>已取消流程 {0}：scancel {1}</translation>
    </message>
</context>
<context>
    <name>DatasetsPage</name>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="60"/>
        <source>Datasets and direction</source>
        <extracomment>Background task key: reading the chosen model (the latest choice wins). Background task key: reading every label&apos;s voxels (a newer choice supersedes it).</extracomment>
        <translation>数据集与方向</translation>
    </message>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="184"/>
        <source>Pretrain on a large dataset, fine-tune on yours. nnFT moves plans and weights the right way round.</source>
        <translation>在大数据集上预训练，在你的数据集上微调。nnFT 按正确的方向迁移计划和权重。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="103"/>
        <source>Pretraining (source of weights)</source>
        <translation>预训练（权重的来源）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="71"/>
        <source>The weights come from:</source>
        <extracomment>The model whose summary is shown (None: none chosen, unusable, or being read).</extracomment>
        <translation>权重来自：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="72"/>
        <source>Pretrain on a dataset of this workspace</source>
        <translation>在此工作区的数据集上预训练</translation>
    </message>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="75"/>
        <source>Start from an existing nnU-Net model</source>
        <translation>从已有的 nnU-Net 模型开始</translation>
    </message>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="78"/>
        <source>A model someone else trained (a colleague&apos;s, a released one): its plans and its weights go to your dataset. No pretraining runs here.</source>
        <translation>别人训练好的模型（同事的或公开发布的）：它的计划和权重都流向你的数据集。这里不运行预训练。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="107"/>
        <source>Fine-tuning (your target)</source>
        <translation>微调（你的目标）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="111"/>
        <source>⇄ Swap</source>
        <translation>⇄ 交换</translation>
    </message>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="113"/>
        <source>Exchange the roles of the two datasets</source>
        <translation>交换两个数据集的角色</translation>
    </message>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="116"/>
        <source>Trained model (source of plans and weights)</source>
        <translation>训练好的模型（计划和权重的来源）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="122"/>
        <source>…/&lt;trainer&gt;__&lt;plans&gt;__&lt;configuration&gt;, one of its fold_X folders, or a zip</source>
        <translation>…/&lt;trainer&gt;__&lt;plans&gt;__&lt;configuration&gt;、它的某个 fold_X 文件夹，或一个 zip</translation>
    </message>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="124"/>
        <source>A training output folder as nnU-Net wrote it (with plans.json, dataset.json and fold_X/checkpoint_final.pth), one of its fold folders (that fold&apos;s checkpoint is used), or a zip made by nnUNetv2_export_model_to_zip or nnft export-model.</source>
        <translation>nnU-Net 写出的训练输出文件夹（含 plans.json、dataset.json 和 fold_X/checkpoint_final.pth）、它的某个折文件夹（使用该折的检查点），或由 nnUNetv2_export_model_to_zip 或 nnft export-model 生成的 zip。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="130"/>
        <source>Model folder…</source>
        <translation>模型文件夹…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="133"/>
        <source>Zip…</source>
        <translation>Zip…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="182"/>
        <source>Fine-tune a model someone else trained on your dataset: its plans and its weights both go to your dataset.</source>
        <extracomment>LABEL_VALUES_UNEXPECTED of the shown choice (read in a worker after the preflight).</extracomment>
        <translation>在你的数据集上微调别人训练好的模型：它的计划和权重都流向你的数据集。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="213"/>
        <source>Choose the model folder (…/&lt;trainer&gt;__&lt;plans&gt;__&lt;configuration&gt;)</source>
        <translation>选择模型文件夹（…/&lt;trainer&gt;__&lt;plans&gt;__&lt;configuration&gt;）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="221"/>
        <source>Choose the model&apos;s zip</source>
        <translation>选择模型的 zip</translation>
    </message>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="222"/>
        <source>Zip archives (*.zip);;All files (*)</source>
        <translation>Zip 压缩包 (*.zip);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="256"/>
        <source>Reading the model …</source>
        <translation>正在读取模型 …</translation>
    </message>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="276"/>
        <source>This model cannot be used (see below).</source>
        <translation>此模型无法使用（见下方）。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="280"/>
        <source>Trained on {dataset} · trainer {trainer} · plans {plans} · configuration {configuration}</source>
        <translation>训练于 {dataset} · 训练器 {trainer} · 计划 {plans} · 配置 {configuration}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="284"/>
        <source>Starts from fold {fold} (finished folds: {folds})</source>
        <translation>从折 {fold} 开始（已完成的折：{folds}）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="286"/>
        <source>{n} channel(s): {channels} · labels: {labels}</source>
        <translation>{n} 个通道：{channels} · 标签：{labels}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="306"/>
        <source>(choose a dataset)</source>
        <translation>（选择数据集）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="362"/>
        <source>dataset.json cannot be used (see below)</source>
        <translation>dataset.json 无法使用（见下方）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="365"/>
        <source>{0} cases · channels: {1} · labels: {2}</source>
        <translation>{0} 个病例 · 通道：{1} · 标签：{2}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="371"/>
        <source>median spacing {0} mm · median size {1} voxels</source>
        <translation>中位间距 {0} mm · 中位尺寸 {1} 体素</translation>
    </message>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="408"/>
        <source>Checking label values…</source>
        <translation>正在检查标签值…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/datasets_page.py" line="453"/>
        <source>{trainer} · {configuration} · fold {fold}</source>
        <translation>{trainer} · {configuration} · 折 {fold}</translation>
    </message>
</context>
<context>
    <name>DiceComparisonPlots</name>
    <message>
        <location filename="../../gui/widgets/dice_comparison.py" line="49"/>
        <source>Validation Dice</source>
        <translation>验证 Dice</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/dice_comparison.py" line="51"/>
        <source>EMA pseudo dice</source>
        <translation>EMA 伪 Dice</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/dice_comparison.py" line="58"/>
        <source>Real Dice per class (nnU-Net&apos;s final validation)</source>
        <translation>各类别的真实 Dice（nnU-Net 的最终验证）</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/dice_comparison.py" line="59"/>
        <source>Dice</source>
        <translation>Dice</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/dice_comparison.py" line="64"/>
        <source>EMA pseudo dice per epoch (training estimate, not the real Dice)</source>
        <translation>每轮的 EMA 伪 Dice（训练中的估计值，不是真实 Dice）</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/dice_comparison.py" line="67"/>
        <source>epoch (from 1)</source>
        <translation>轮（从 1 开始）</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/dice_comparison.py" line="148"/>
        <source>90 % of the final value</source>
        <translation>最终值的 90 %</translation>
    </message>
</context>
<context>
    <name>DirectionDiagram</name>
    <message>
        <location filename="../../gui/widgets/direction_diagram.py" line="78"/>
        <source>plans  (step {n}: move_plans -s {ft} -t {pt})</source>
        <translation>计划  （步骤 {n}：move_plans -s {ft} -t {pt}）</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/direction_diagram.py" line="82"/>
        <source>weights  (step {n}: nnUNetv2_train {ft} ... -pretrained_weights)</source>
        <translation>权重  （步骤 {n}：nnUNetv2_train {ft} ... -pretrained_weights）</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/direction_diagram.py" line="94"/>
        <source>your target · {0} cases</source>
        <translation>你的目标 · {0} 个病例</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/direction_diagram.py" line="99"/>
        <source>source of weights</source>
        <translation>权重的来源</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/direction_diagram.py" line="101"/>
        <source>only {0} cases: the smaller one</source>
        <translation>仅 {0} 个病例：较小的那个</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/direction_diagram.py" line="103"/>
        <source>source of weights · {0} cases</source>
        <translation>权重的来源 · {0} 个病例</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/direction_diagram.py" line="113"/>
        <source>Fine-tuning dataset</source>
        <translation>微调数据集</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/direction_diagram.py" line="114"/>
        <location filename="../../gui/widgets/direction_diagram.py" line="117"/>
        <location filename="../../gui/widgets/direction_diagram.py" line="121"/>
        <source>(choose)</source>
        <translation>（请选择）</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/direction_diagram.py" line="93"/>
        <source>your target</source>
        <translation>你的目标</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/direction_diagram.py" line="75"/>
        <source>plans  (step {n}: the model&apos;s plans → dataset {ft}, new identifier)</source>
        <translation>计划  （步骤 {n}：模型的计划 → 数据集 {ft}，新标识符）</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/direction_diagram.py" line="116"/>
        <source>Trained model</source>
        <translation>训练好的模型</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/direction_diagram.py" line="118"/>
        <source>source of plans and weights</source>
        <translation>计划和权重的来源</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/direction_diagram.py" line="120"/>
        <source>Pretraining dataset</source>
        <translation>预训练数据集</translation>
    </message>
</context>
<context>
    <name>Duration</name>
    <message>
        <location filename="../../gui/texts.py" line="18"/>
        <source>{0} s</source>
        <translation>{0} 秒</translation>
    </message>
    <message>
        <location filename="../../gui/texts.py" line="19"/>
        <source>{0} min</source>
        <translation>{0} 分钟</translation>
    </message>
    <message>
        <location filename="../../gui/texts.py" line="20"/>
        <source>{0} min {1} s</source>
        <translation>{0} 分 {1} 秒</translation>
    </message>
    <message>
        <location filename="../../gui/texts.py" line="21"/>
        <source>{0} h</source>
        <translation>{0} 小时</translation>
    </message>
    <message>
        <location filename="../../gui/texts.py" line="22"/>
        <source>{0} h {1} min</source>
        <translation>{0} 小时 {1} 分</translation>
    </message>
</context>
<context>
    <name>FinetuneOptions</name>
    <message>
        <location filename="../../gui/pages/finetune_options.py" line="71"/>
        <source>How to fine-tune</source>
        <translation>如何微调</translation>
    </message>
    <message>
        <location filename="../../gui/pages/finetune_options.py" line="91"/>
        <source>Epochs during which only the decoder trains and the pretrained encoder stays fixed; after them all layers train. Default: a tenth of the epochs.</source>
        <translation>只训练解码器、预训练编码器保持固定的轮数；之后所有层一起训练。默认：总轮数的十分之一。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/finetune_options.py" line="95"/>
        <source>Preset</source>
        <translation>预设</translation>
    </message>
    <message>
        <location filename="../../gui/pages/finetune_options.py" line="97"/>
        <source>encoder frozen for</source>
        <translation>编码器冻结</translation>
    </message>
    <message>
        <location filename="../../gui/pages/finetune_options.py" line="98"/>
        <source>epochs, then all layers train</source>
        <translation>轮，之后训练所有层</translation>
    </message>
    <message>
        <location filename="../../gui/pages/finetune_options.py" line="104"/>
        <source>Also train a from-scratch baseline (same fold and epochs; about doubles the fine-tuning time) to see whether pretraining helped</source>
        <translation>同时训练一个从头训练的基线（相同的折和轮数；微调时间约翻倍），以判断预训练是否有帮助</translation>
    </message>
    <message>
        <location filename="../../gui/pages/finetune_options.py" line="108"/>
        <source>The same training of your dataset without the pretrained weights, in a results folder of its own. Its real Dice next to the fine-tuned model&apos;s tells whether the pretraining helped. It can be added later, after the fine-tuning.</source>
        <translation>不使用预训练权重，对你的数据集做同样的训练，结果放在单独的文件夹中。把它的真实 Dice 与微调模型的对比，就知道预训练是否有帮助。也可以在微调之后再添加。</translation>
    </message>
</context>
<context>
    <name>GpuStrip</name>
    <message>
        <location filename="../../gui/widgets/gpu_strip.py" line="65"/>
        <source>GPU memory in use</source>
        <extracomment>How often the GPU is read while the strip is shown (ms).</extracomment>
        <translation>已用 GPU 显存</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/gpu_strip.py" line="120"/>
        <source>No NVIDIA GPU: training on the Apple GPU (MPS)</source>
        <translation>没有 NVIDIA GPU：在 Apple GPU（MPS）上训练</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/gpu_strip.py" line="121"/>
        <source>No NVIDIA GPU: training on the CPU</source>
        <translation>没有 NVIDIA GPU：在 CPU 上训练</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/gpu_strip.py" line="123"/>
        <source>Training on the Apple GPU (MPS); GPU {0} {1} is not used</source>
        <translation>在 Apple GPU（MPS）上训练；未使用 GPU {0} {1}</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/gpu_strip.py" line="126"/>
        <source>Training on the CPU; GPU {0} {1} is not used (the device is chosen on the Workspace page)</source>
        <translation>在 CPU 上训练；未使用 GPU {0} {1}（设备在“工作区”页面选择）</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/gpu_strip.py" line="132"/>
        <source>No GPU readings ({0})</source>
        <translation>无 GPU 读数（{0}）</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/gpu_strip.py" line="141"/>
        <source>⚠ Only {0:.1f} GiB of GPU memory are free, but these plans ({1}, {2}) were sized for about {3:g} GB: the training may run out of memory. Free the GPU or choose one with more memory.</source>
        <translation>⚠ GPU 显存只剩 {0:.1f} GiB 可用，但这些计划（{1}，{2}）是按约 {3:g} GB 设计的：训练可能显存不足。请释放 GPU，或选择显存更大的 GPU。</translation>
    </message>
</context>
<context>
    <name>ImagePreview</name>
    <message>
        <location filename="../../gui/widgets/image_preview.py" line="182"/>
        <source>Labels</source>
        <extracomment>The caption speaks of nnU-Net&apos;s patch (the dataset previews), else only the spacing.</extracomment>
        <translation>标签</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/image_preview.py" line="203"/>
        <source>Opacity</source>
        <extracomment>The overlay&apos;s opacity (0–1); None: the colours&apos; own (translucent) alpha.</extracomment>
        <translation>不透明度</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/image_preview.py" line="210"/>
        <source>How opaque the label overlay is</source>
        <translation>标签叠加层的不透明程度</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/image_preview.py" line="220"/>
        <source>No image loaded.</source>
        <translation>未加载图像。</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/image_preview.py" line="267"/>
        <source>Could not read {path}:
{error}</source>
        <translation>无法读取 {path}：
{error}</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/image_preview.py" line="270"/>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/image_preview.py" line="331"/>
        <source>Image spacing {s} mm.</source>
        <translation>图像间距 {s} mm。</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/image_preview.py" line="334"/>
        <source>No patch size known (plans missing). Image spacing {s} mm.</source>
        <translation>图像块大小未知（缺少计划）。图像间距 {s} mm。</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/image_preview.py" line="341"/>
        <source>patch {patch} at {spacing} mm → {rows} × {cols} px here</source>
        <translation>图像块 {patch}，间距 {spacing} mm → 此处为 {rows} × {cols} 像素</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/image_preview.py" line="344"/>
        <source>patch {patch} at {spacing} mm → {rows} × {cols} px × {n} slices here</source>
        <translation>图像块 {patch}，间距 {spacing} mm → 此处为 {rows} × {cols} 像素 × {n} 层</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/image_preview.py" line="346"/>
        <source> (image spacing {s} mm)</source>
        <translation>（图像间距 {s} mm）</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/image_preview.py" line="349"/>
        <source>. The patch is larger than this image: nnU-Net pads it.</source>
        <translation>。图像块大于该图像：nnU-Net 会对其填充。</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/image_preview.py" line="385"/>
        <source>slice {z} / {n}</source>
        <translation>切片 {z} / {n}</translation>
    </message>
</context>
<context>
    <name>LogConsole</name>
    <message>
        <location filename="../../gui/widgets/log_console.py" line="21"/>
        <source>The output of nnU-Net&apos;s commands appears here.</source>
        <translation>nnU-Net 命令的输出显示在这里。</translation>
    </message>
</context>
<context>
    <name>ModelFitTable</name>
    <message>
        <location filename="../../gui/widgets/model_fit_table.py" line="57"/>
        <source>Quantity</source>
        <extracomment>Background, text colour per verdict (text colours set too: dark themes stay legible). What core writes where the dataset&apos;s value needs its fingerprint (not extracted yet).</extracomment>
        <translation>项目</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/model_fit_table.py" line="57"/>
        <source>The model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/model_fit_table.py" line="58"/>
        <source>Your dataset</source>
        <translation>你的数据集</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/model_fit_table.py" line="65"/>
        <source>Input channels</source>
        <translation>输入通道</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/model_fit_table.py" line="66"/>
        <source>Normalization, channel {0}</source>
        <translation>归一化，通道 {0}</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/model_fit_table.py" line="67"/>
        <source>Spacing in mm (the model&apos;s target, your median)</source>
        <translation>间距（mm；模型的目标间距，你的数据的中位数）</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/model_fit_table.py" line="68"/>
        <source>Foreground intensities (0.5–99.5 %), channel {0}</source>
        <translation>前景强度（0.5–99.5 %），通道 {0}</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/model_fit_table.py" line="70"/>
        <source>Labels</source>
        <translation>标签</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/model_fit_table.py" line="79"/>
        <source>known after the fingerprint step</source>
        <translation>指纹步骤之后可知</translation>
    </message>
</context>
<context>
    <name>NnftWizard</name>
    <message>
        <location filename="../../gui/wizard.py" line="63"/>
        <source>nnFT — nnU-Net pretraining and fine-tuning</source>
        <extracomment>Page ids: the order of the flow is :func:`~nnft.core.wizard_state.page_flow`&apos;s (see nextId), not the ids&apos;. The pages added later got free ids; ``render_screenshots`` names its files by id + 1 (09_results.png, 11_baseline.png, 12_use.png; 10_report.png is the run report). Pages from which the Cluster page can be opened (the datasets are chosen by then; the cluster&apos;s preparation job can also do the planning and preprocessing). How the user chose to close the wizard while a command runs.</extracomment>
        <translation>nnFT — nnU-Net 预训练与微调</translation>
    </message>
    <message>
        <location filename="../../gui/wizard.py" line="86"/>
        <source>Run on a cluster…</source>
        <translation>在集群上运行…</translation>
    </message>
    <message>
        <location filename="../../gui/wizard.py" line="89"/>
        <source>Submit the chain as SLURM jobs and follow them</source>
        <translation>将流程作为 SLURM 作业提交并跟踪</translation>
    </message>
    <message>
        <location filename="../../gui/wizard.py" line="106"/>
        <source>Validate transferred plans</source>
        <translation>验证迁移后的计划</translation>
    </message>
    <message>
        <location filename="../../gui/wizard.py" line="227"/>
        <source>A step is running</source>
        <translation>有步骤正在运行</translation>
    </message>
    <message>
        <location filename="../../gui/wizard.py" line="231"/>
        <source>A training is running. Stop it after the epoch in progress (a checkpoint is written; Resume continues there) and quit?</source>
        <translation>训练正在运行。在当前这一轮结束后停止它（会写入检查点；“继续训练”从那里接着训练）并退出？</translation>
    </message>
    <message>
        <location filename="../../gui/wizard.py" line="234"/>
        <source>A training is running. Its trainer cannot stop after the epoch: stopping it now loses the epochs since its last checkpoint (nnU-Net writes one every 50 epochs).</source>
        <translation>训练正在运行。它的训练器无法在本轮结束后停止：现在停止将丢失自上一个检查点以来的所有轮（nnU-Net 每 50 轮写入一个检查点）。</translation>
    </message>
    <message>
        <location filename="../../gui/wizard.py" line="238"/>
        <source>An nnU-Net command is still running. Stop it and quit? (The step starts again cleanly next time.)</source>
        <translation>nnU-Net 命令仍在运行。停止它并退出？（下次该步骤会重新干净地开始。）</translation>
    </message>
    <message>
        <location filename="../../gui/wizard.py" line="243"/>
        <source>Quit and leave it running: the training goes on without this window, its output goes into its log, and the wizard follows it when you open it again.</source>
        <translation>退出并让它继续运行：训练在没有此窗口的情况下继续，输出写入其日志，再次打开向导时会接着跟踪它。</translation>
    </message>
    <message>
        <location filename="../../gui/wizard.py" line="247"/>
        <source>Stop after this epoch and quit</source>
        <translation>本轮结束后停止并退出</translation>
    </message>
    <message>
        <location filename="../../gui/wizard.py" line="250"/>
        <source>Stop now and quit</source>
        <translation>立即停止并退出</translation>
    </message>
    <message>
        <location filename="../../gui/wizard.py" line="253"/>
        <source>Quit and leave it running</source>
        <translation>退出并保持运行</translation>
    </message>
    <message>
        <location filename="../../gui/wizard.py" line="296"/>
        <source>nnFT — closing after the epoch in progress …</source>
        <translation>nnFT — 当前这一轮结束后关闭 …</translation>
    </message>
    <message>
        <location filename="../../gui/wizard.py" line="299"/>
        <source>Stopping after this epoch (a checkpoint is written); the wizard then closes.</source>
        <translation>本轮结束后停止（会写入检查点）；然后关闭向导。</translation>
    </message>
</context>
<context>
    <name>PlansPage</name>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="80"/>
        <source>Plans transfer</source>
        <extracomment>The steps this page runs in the dataset chain, from the registry (their keys, in chain order); the model chain&apos;s are ``keys_in_group(PREPARE, from_model=True)``. Stands for the plans identifier in the commands while the one typed is refused.</extracomment>
        <translation>计划迁移</translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="81"/>
        <location filename="../../gui/pages/plans_page.py" line="197"/>
        <source>Plan the fine-tuning dataset, move its plans to the pretraining dataset under a new name, and preprocess both.</source>
        <translation>规划微调数据集，将它的计划以新名称迁移到预训练数据集，并对两者进行预处理。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="88"/>
        <source>Configuration</source>
        <translation>配置</translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="93"/>
        <location filename="../../gui/pages/plans_page.py" line="202"/>
        <source>The pretraining dataset receives the fine-tuning plans under this name (-tp). nnU-Net&apos;s default names would overwrite its own plans.</source>
        <translation>预训练数据集以此名称接收微调计划（-tp）。使用 nnU-Net 的默认名称会覆盖它自己的计划。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="96"/>
        <source>Suggest</source>
        <translation>建议</translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="102"/>
        <source>New plans identifier</source>
        <translation>新的计划标识符</translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="119"/>
        <source>Reuse the existing plans file of this name if it is identical (a backup is made first)</source>
        <translation>如果同名的现有计划文件内容相同，则重用它（先做备份）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="125"/>
        <source>Move data folders that are in the way to nnFT&apos;s backup folder, then replace them</source>
        <translation>把挡路的数据文件夹移到 nnFT 的备份文件夹，然后替换它们</translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="128"/>
        <source>Without this, nnFT refuses to run a step that would delete a folder it did not make itself. With it, the folder is moved to nnUNet_results/nnFT/backups first.</source>
        <translation>不勾选时，nnFT 拒绝运行会删除非它自己创建的文件夹的步骤。勾选后，该文件夹会先被移到 nnUNet_results/nnFT/backups。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="140"/>
        <source>Step</source>
        <translation>步骤</translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="140"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="169"/>
        <location filename="../../gui/pages/plans_page.py" line="225"/>
        <source>Run steps {0}</source>
        <translation>运行步骤 {0}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="172"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="195"/>
        <source>Import the model, extract your dataset&apos;s fingerprint, give your dataset the model&apos;s plans under a new name, and preprocess it with them.</source>
        <translation>导入模型，提取你的数据集的指纹，以新名称把模型的计划赋给你的数据集，并用这些计划进行预处理。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="200"/>
        <source>Your dataset receives the model&apos;s plans under this name. nnU-Net&apos;s default names would overwrite its own plans.</source>
        <translation>你的数据集以此名称接收模型的计划。使用 nnU-Net 的默认名称会覆盖它自己的计划。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="209"/>
        <source>(the model&apos;s)</source>
        <translation>（模型的）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="211"/>
        <source>The model was trained in the configuration {0}: its weights fit only that configuration&apos;s network, so the fine-tuning uses it too.</source>
        <translation>该模型是在配置 {0} 下训练的：它的权重只适合该配置的网络，因此微调也使用该配置。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="213"/>
        <source>(not known until the model is read)</source>
        <translation>（读取模型后才知道）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="282"/>
        <source>A new plans file will be written; nothing existing is touched.</source>
        <translation>将写入新的计划文件；不会改动任何已有内容。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="290"/>
        <source># Not runnable yet: the plans identifier &apos;{0}&apos; is refused (see above).
# {1} stands for the identifier you choose.
</source>
        <translation># 尚不能运行：计划标识符 &apos;{0}&apos; 被拒绝（见上方）。
# {1} 代表你选择的标识符。
</translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="370"/>
        <source>running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="371"/>
        <source>done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="370"/>
        <source>pending</source>
        <translation>待运行</translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="335"/>
        <source>Backed up {0} to {1}</source>
        <translation>已将 {0} 备份到 {1}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="365"/>
        <source>Cancelling …</source>
        <translation>正在取消 …</translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="371"/>
        <source>skipped</source>
        <translation>已跳过</translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="372"/>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="372"/>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="373"/>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="373"/>
        <source>detached</source>
        <translation>后台运行中</translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="400"/>
        <source>Step {0} {1}: {2}</source>
        <translation>步骤 {0} {1}：{2}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/plans_page.py" line="403"/>
        <source>Full log: {0}</source>
        <translation>完整日志：{0}</translation>
    </message>
</context>
<context>
    <name>PlansTable</name>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="74"/>
        <source>Setting</source>
        <extracomment>Background, text colour per status. Text colours are set too, so dark themes stay legible. The plans came from a trained model to the fine-tuning dataset (not from the fine-tuning dataset to a pretraining dataset): other headers and meanings.</extracomment>
        <translation>设置项</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="75"/>
        <source>Fine-tuning plans</source>
        <translation>微调计划</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="75"/>
        <source>The model&apos;s plans</source>
        <translation>模型的计划</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="76"/>
        <source>Transferred plans (your dataset)</source>
        <translation>迁移后的计划（你的数据集）</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="77"/>
        <source>Transferred plans</source>
        <translation>迁移后的计划</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="78"/>
        <source>Pretraining&apos;s own plans</source>
        <translation>预训练数据集自己的计划</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="79"/>
        <source>Meaning</source>
        <translation>含义</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="87"/>
        <source>Identity (renamed by the transfer)</source>
        <translation>标识（迁移时改名）</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="88"/>
        <source>Training patches</source>
        <translation>训练图像块</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="89"/>
        <source>Intensity normalization</source>
        <translation>强度归一化</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="90"/>
        <source>Network architecture (must be identical)</source>
        <translation>网络架构（必须相同）</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="97"/>
        <source>Dataset name</source>
        <translation>数据集名称</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="98"/>
        <source>Plans identifier</source>
        <translation>计划标识符</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="99"/>
        <source>Preprocessed data folder</source>
        <translation>预处理数据文件夹</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="100"/>
        <source>Patch size (voxels)</source>
        <translation>图像块大小（体素）</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="101"/>
        <source>Batch size</source>
        <translation>批大小</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="102"/>
        <source>Target spacing (mm)</source>
        <translation>目标间距（mm）</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="103"/>
        <source>Normalization, channel {i}</source>
        <translation>归一化，通道 {i}</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="104"/>
        <source>Foreground mean, channel {i}</source>
        <translation>前景均值，通道 {i}</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="105"/>
        <source>Foreground std, channel {i}</source>
        <translation>前景标准差，通道 {i}</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="106"/>
        <source>Clip low (0.5th pct.), channel {i}</source>
        <translation>截断下限（第 0.5 百分位），通道 {i}</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="107"/>
        <source>Clip high (99.5th pct.), channel {i}</source>
        <translation>截断上限（第 99.5 百分位），通道 {i}</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="108"/>
        <source>Input channels (dataset.json)</source>
        <translation>输入通道（dataset.json）</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="109"/>
        <source>Network class</source>
        <translation>网络类</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="110"/>
        <source>Number of stages</source>
        <translation>阶段数</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="111"/>
        <source>Stage {i} features</source>
        <translation>阶段 {i} 特征数</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="112"/>
        <source>Stage {i} kernel size</source>
        <translation>阶段 {i} 卷积核大小</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="113"/>
        <source>Stage {i} stride</source>
        <translation>阶段 {i} 步长</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="114"/>
        <source>Stage {i} convolutions</source>
        <translation>阶段 {i} 卷积数</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="122"/>
        <source>Identical</source>
        <translation>相同</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="124"/>
        <source>Not available (plans file or configuration missing)</source>
        <translation>不可用（缺少计划文件或配置）</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="127"/>
        <source>Expected: set to your dataset, so the fine-tuning reads its own data.</source>
        <translation>预期：设为你的数据集，使微调读取它自己的数据。</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="129"/>
        <source>Expected: the new identifier keeps your dataset&apos;s own plans intact.</source>
        <translation>预期：新的标识符使你的数据集自己的计划保持不变。</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="136"/>
        <source>Expected: set to the pretraining dataset, so pretraining reads its own data.</source>
        <translation>预期：设为预训练数据集，使预训练读取它自己的数据。</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="138"/>
        <source>Expected: the new identifier (-tp) keeps the pretraining dataset&apos;s own plans intact.</source>
        <translation>预期：新的标识符（-tp）使预训练数据集自己的计划保持不变。</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="131"/>
        <location filename="../../gui/widgets/plans_table.py" line="140"/>
        <source>Expected: the data folder is named after the new identifier.</source>
        <translation>预期：数据文件夹以新的标识符命名。</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="133"/>
        <location filename="../../gui/widgets/plans_table.py" line="142"/>
        <source>Expected difference</source>
        <translation>预期的差异</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="151"/>
        <source>Wrong: must name the pretraining dataset, otherwise the trainer reads another dataset&apos;s preprocessed data.</source>
        <translation>错误：必须指向预训练数据集，否则训练器会读取另一个数据集的预处理数据。</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="147"/>
        <location filename="../../gui/widgets/plans_table.py" line="153"/>
        <source>Wrong: must be the chosen plans identifier; the results folder would be named after another identifier.</source>
        <translation>错误：必须是所选的计划标识符；否则结果文件夹会以另一个标识符命名。</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="145"/>
        <source>Wrong: must name your dataset, otherwise the trainer reads another dataset&apos;s preprocessed data.</source>
        <translation>错误：必须指向你的数据集，否则训练器会读取另一个数据集的预处理数据。</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="156"/>
        <source>Differs: the pretrained weights will NOT load.</source>
        <translation>不同：预训练权重将无法加载。</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="159"/>
        <source>Unexpected: the transfer copies this. Weights still load, but the fine-tuning sees intensities normalized otherwise than the model&apos;s training data.</source>
        <translation>意外：迁移会复制此项。权重仍能加载，但微调看到的强度归一化方式与模型的训练数据不同。</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="162"/>
        <source>Unexpected: the transfer copies this. Weights still load, but the fine-tuning sees patches prepared otherwise than the model&apos;s.</source>
        <translation>意外：迁移会复制此项。权重仍能加载，但微调看到的图像块准备方式与模型的不同。</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="165"/>
        <source>Unexpected: the transfer copies this. Weights still load, but pretraining sees intensities normalized differently.</source>
        <translation>意外：迁移会复制此项。权重仍能加载，但预训练看到的强度归一化方式不同。</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="167"/>
        <source>Unexpected: the transfer copies this. Weights still load, but pretraining sees patches prepared differently.</source>
        <translation>意外：迁移会复制此项。权重仍能加载，但预训练看到的图像块准备方式不同。</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/plans_table.py" line="226"/>
        <source>The transfer replaced the pretraining dataset&apos;s own value {own} with {new}.</source>
        <translation>迁移把预训练数据集自己的值 {own} 替换成了 {new}。</translation>
    </message>
</context>
<context>
    <name>Presets</name>
    <message>
        <location filename="../../gui/texts.py" line="37"/>
        <source>nnU-Net&apos;s default (learning rate 1e-2)</source>
        <translation>nnU-Net 默认（学习率 1e-2）</translation>
    </message>
    <message>
        <location filename="../../gui/texts.py" line="38"/>
        <source>nnU-Net&apos;s own fine-tuning: the full training schedule, starting from the pretrained weights; a good first choice when the two datasets are alike.</source>
        <translation>nnU-Net 自己的微调方式：完整的训练调度，从预训练权重开始；两个数据集相似时是很好的首选。</translation>
    </message>
    <message>
        <location filename="../../gui/texts.py" line="43"/>
        <source>Gentle (learning rate 1e-3 with warm-up)</source>
        <translation>温和（学习率 1e-3，带预热）</translation>
    </message>
    <message>
        <location filename="../../gui/texts.py" line="44"/>
        <source>Starts at a ten times smaller learning rate after a short warm-up, so the pretrained features are changed slowly; choose it when your dataset is small or close to the pretraining data.</source>
        <translation>短暂预热后以小十倍的学习率开始，使预训练的特征缓慢变化；当你的数据集较小或与预训练数据接近时选择它。</translation>
    </message>
    <message>
        <location filename="../../gui/texts.py" line="49"/>
        <source>Frozen encoder, then all layers</source>
        <translation>先冻结编码器，再训练所有层</translation>
    </message>
    <message>
        <location filename="../../gui/texts.py" line="50"/>
        <source>Trains only the decoder for the first epochs while the pretrained encoder stays fixed, then all layers; choose it when you have very few cases and fear losing what the pretraining learned.</source>
        <translation>前几轮只训练解码器，预训练编码器保持固定，之后训练所有层；当你的病例非常少、担心丢失预训练学到的内容时选择它。</translation>
    </message>
</context>
<context>
    <name>ProblemsView</name>
    <message>
        <location filename="../../gui/widgets/problems_view.py" line="30"/>
        <source>Error</source>
        <translation>错误</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/problems_view.py" line="30"/>
        <source>Warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/problems_view.py" line="31"/>
        <source>Note</source>
        <translation>提示</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/problems_view.py" line="48"/>
        <source>Fix</source>
        <translation>解决方法</translation>
    </message>
</context>
<context>
    <name>ResultsPage</name>
    <message>
        <location filename="../../gui/pages/results_page.py" line="104"/>
        <location filename="../../gui/pages/results_page.py" line="180"/>
        <source>Results: did the pretraining help?</source>
        <extracomment>Background task keys: the latest read of the results wins; one report (and one export) written at a time.</extracomment>
        <translation>结果：预训练有帮助吗？</translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="106"/>
        <source>nnU-Net&apos;s real validation Dice (validation/summary.json) of the fine-tuned model and of the same training from scratch.</source>
        <translation>微调模型与同样从头训练的模型的 nnU-Net 真实验证 Dice（validation/summary.json）。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="120"/>
        <source>Add a from-scratch baseline…</source>
        <translation>添加从头训练的基线…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="123"/>
        <source>Go back to the fine-tuning page with &quot;Also train a from-scratch baseline&quot; ticked; Next then leads to the baseline page.</source>
        <translation>返回微调页面并勾选“同时训练一个从头训练的基线”；之后“下一步”会进入基线页面。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="132"/>
        <location filename="../../gui/pages/results_page.py" line="326"/>
        <source>Save report…</source>
        <translation>保存报告…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="135"/>
        <source>One self-contained HTML file to share: the datasets and the direction, the plans and checkpoint checksums, every command with its exit status and duration, the versions, the curves and this comparison.</source>
        <translation>一个可分享的独立 HTML 文件：数据集与方向、计划与检查点校验和、每条命令及其退出状态和耗时、版本、曲线以及本对比。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="140"/>
        <location filename="../../gui/pages/results_page.py" line="400"/>
        <source>Export model…</source>
        <translation>导出模型…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="179"/>
        <source>Results: did the model&apos;s weights help?</source>
        <translation>结果：模型的权重有帮助吗？</translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="190"/>
        <source>Choose a workspace and two datasets first.</source>
        <translation>请先选择工作区和两个数据集。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="192"/>
        <source>Reading the validation results …</source>
        <translation>正在读取验证结果 …</translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="204"/>
        <source>The results could not be read: {0}</source>
        <translation>无法读取结果：{0}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="212"/>
        <source>fine-tuned</source>
        <translation>微调</translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="212"/>
        <source>from scratch</source>
        <translation>从头训练</translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="215"/>
        <source>Fine-tuned: mean Dice {0:.3f} on fold {1}. Not comparable yet: what is missing is said below.</source>
        <translation>微调：折 {1} 上的平均 Dice 为 {0:.3f}。尚不能比较：缺少的内容见下方。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="219"/>
        <source>Not comparable yet (fold {0}): what is missing is said below.</source>
        <translation>尚不能比较（折 {0}）：缺少的内容见下方。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="236"/>
        <source>Epochs until the EMA pseudo dice first reached 90 % of its final value: {0}, {1}. The pseudo dice is nnU-Net&apos;s estimate during training, on random patches: it shows speed, not quality.</source>
        <translation>EMA 伪 Dice 首次达到其最终值 90 % 所用的轮数：{0}，{1}。伪 Dice 是 nnU-Net 在训练中基于随机图像块的估计：它反映速度，而非质量。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="242"/>
        <source>mean</source>
        <translation>平均</translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="259"/>
        <source>{0}: no epochs logged</source>
        <translation>{0}：没有记录的轮</translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="261"/>
        <source>{0}: not known (no EMA pseudo dice above 0)</source>
        <translation>{0}：未知（EMA 伪 Dice 从未大于 0）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="262"/>
        <source>{0} {1} (of {2})</source>
        <translation>{0} {1}（共 {2}）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="270"/>
        <source>fine-tuning</source>
        <translation>微调</translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="270"/>
        <source>baseline</source>
        <translation>基线</translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="272"/>
        <source>The {0} ran as a quick trial without nnU-Net&apos;s final validation, so there is no validation/summary.json ({1}). Tick &quot;final validation&quot; on the fine-tuning page; &quot;Finish validation&quot; on the {0} page then makes it.</source>
        <translation>{0}以快速试运行方式进行，没有 nnU-Net 的最终验证，因此没有 validation/summary.json（{1}）。请在微调页面勾选“最终验证”；之后在{0}页面点“完成验证”即可生成。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="279"/>
        <source>The fine-tuning has no validation/summary.json yet ({0}): &quot;Finish validation&quot; on the fine-tuning page makes it.</source>
        <translation>微调还没有 validation/summary.json（{0}）：在微调页面点“完成验证”即可生成。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="281"/>
        <source>The fine-tuning has not finished ({0}): finish it on the fine-tuning page.</source>
        <translation>微调尚未完成（{0}）：请在微调页面完成它。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="285"/>
        <source>There is no from-scratch baseline to compare with: without one, nothing says whether the pretraining helped. &quot;Add a from-scratch baseline…&quot; goes back to the fine-tuning page to tick it.</source>
        <translation>没有可供比较的从头训练基线：没有它，就无法判断预训练是否有帮助。“添加从头训练的基线…”会返回微调页面以勾选它。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="290"/>
        <source>The baseline has no validation/summary.json yet ({0}): &quot;Finish validation&quot; on the baseline page makes it.</source>
        <translation>基线还没有 validation/summary.json（{0}）：在基线页面点“完成验证”即可生成。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="292"/>
        <source>The baseline has not been trained yet ({0}): train it on the baseline page (Back).</source>
        <translation>基线尚未训练（{0}）：请在基线页面训练它（上一步）。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="309"/>
        <source>Save report</source>
        <translation>保存报告</translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="311"/>
        <source>HTML files (*.html)</source>
        <translation>HTML 文件 (*.html)</translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="320"/>
        <source>Saving…</source>
        <translation>正在保存…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="321"/>
        <source>Writing the report …</source>
        <translation>正在写入报告 …</translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="331"/>
        <source>✓ Report saved: {0}</source>
        <translation>✓ 报告已保存：{0}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="336"/>
        <source>✗ The report could not be written: {0}</source>
        <translation>✗ 无法写入报告：{0}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="352"/>
        <source>The fine-tuned model as nnU-Net&apos;s zip with a model card, to hand on: it installs with stock nnUNetv2_install_pretrained_model_from_zip and predicts without nnFT.</source>
        <translation>把微调后的模型导出为 nnU-Net 的 zip（附模型卡），便于交给别人：用原版 nnUNetv2_install_pretrained_model_from_zip 即可安装，无需 nnFT 即可预测。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="357"/>
        <source>Available once the fine-tuning is finished and validated (a whole checkpoint_final.pth and validation/summary.json).</source>
        <translation>微调完成并验证后可用（完整的 checkpoint_final.pth 和 validation/summary.json）。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="374"/>
        <source>Export the fine-tuned model</source>
        <translation>导出微调后的模型</translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="376"/>
        <source>Zip files (*.zip)</source>
        <translation>Zip 文件 (*.zip)</translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="392"/>
        <source>Exporting…</source>
        <translation>正在导出…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="394"/>
        <source>Exporting the fine-tuned model (fold {0}) to {1} …</source>
        <translation>正在把微调后的模型（折 {0}）导出到 {1} …</translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="406"/>
        <source>✓ Model exported: {0}. The model card is inside the zip: {1}/model_card.md (and model_card.json).</source>
        <translation>✓ 模型已导出：{0}。模型卡在 zip 中：{1}/model_card.md（以及 model_card.json）。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="410"/>
        <source> The earlier file was backed up to {0}.</source>
        <translation>原有文件已备份到 {0}。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="419"/>
        <source>✗ The model was not exported: {0}
Fix: {1}</source>
        <translation>✗ 模型未导出：{0}
解决方法：{1}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/results_page.py" line="423"/>
        <source>✗ The model was not exported: {0}</source>
        <translation>✗ 模型未导出：{0}</translation>
    </message>
</context>
<context>
    <name>SliceCanvas</name>
    <message>
        <location filename="../../gui/widgets/image_preview.py" line="133"/>
        <source>patch</source>
        <extracomment>The background task that reads a case (a newer one supersedes it). Label colours (RGBA) for labels 1, 2, ...; translucent so the anatomy stays visible.</extracomment>
        <translation>图像块</translation>
    </message>
</context>
<context>
    <name>SummaryPage</name>
    <message>
        <location filename="../../gui/pages/summary_page.py" line="32"/>
        <source>Summary</source>
        <translation>总结</translation>
    </message>
    <message>
        <location filename="../../gui/pages/summary_page.py" line="33"/>
        <source>What was done and where the results are. The script runs the same commands without the wizard (e.g. on a cluster).</source>
        <translation>做了什么，结果在哪里。脚本无需向导即可运行相同的命令（例如在集群上）。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/summary_page.py" line="49"/>
        <source>Copy script</source>
        <translation>复制脚本</translation>
    </message>
    <message>
        <location filename="../../gui/pages/summary_page.py" line="53"/>
        <source>Save script…</source>
        <translation>保存脚本…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/summary_page.py" line="96"/>
        <source>Pretraining dataset: {0} · fine-tuning dataset: {1} · configuration {2} · transferred plans &apos;{3}&apos;</source>
        <translation>预训练数据集：{0} · 微调数据集：{1} · 配置 {2} · 迁移后的计划 &apos;{3}&apos;</translation>
    </message>
    <message>
        <location filename="../../gui/pages/summary_page.py" line="107"/>
        <source>Pretrained weights: {0}</source>
        <translation>预训练权重：{0}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/summary_page.py" line="83"/>
        <source>Fine-tuned model: {0}</source>
        <translation>微调后的模型：{0}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/summary_page.py" line="67"/>
        <source>Choose a workspace and two datasets (or a fine-tuning dataset and a model) first.</source>
        <translation>请先选择工作区和两个数据集（或一个微调数据集和一个模型）。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/summary_page.py" line="73"/>
        <source>done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <location filename="../../gui/pages/summary_page.py" line="73"/>
        <source>not done</source>
        <translation>未完成</translation>
    </message>
    <message>
        <location filename="../../gui/pages/summary_page.py" line="84"/>
        <source>Trained from scratch for comparison (baseline): {0}</source>
        <translation>为对比而从头训练的模型（基线）：{0}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/summary_page.py" line="92"/>
        <source>Model: {0} · fine-tuning dataset: {1} · configuration {2} (the model&apos;s) · the model&apos;s plans in your dataset as &apos;{3}&apos;</source>
        <translation>模型：{0} · 微调数据集：{1} · 配置 {2}（模型的）· 模型的计划在你的数据集中名为 &apos;{3}&apos;</translation>
    </message>
    <message>
        <location filename="../../gui/pages/summary_page.py" line="104"/>
        <source>Weights of the model {0}, from nnFT&apos;s copy {1} (imported from {2})</source>
        <translation>模型 {0} 的权重，来自 nnFT 的副本 {1}（导入自 {2}）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/summary_page.py" line="114"/>
        <source>frozen epochs: {0}</source>
        <translation>冻结轮数：{0}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/summary_page.py" line="115"/>
        <source>Fine-tuning preset: {0} (trainer {1})</source>
        <translation>微调预设：{0}（训练器 {1}）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/summary_page.py" line="126"/>
        <source>Save script</source>
        <translation>保存脚本</translation>
    </message>
    <message>
        <location filename="../../gui/pages/summary_page.py" line="128"/>
        <source>Shell scripts (*.sh)</source>
        <translation>Shell 脚本 (*.sh)</translation>
    </message>
</context>
<context>
    <name>TrainingPage</name>
    <message>
        <location filename="../../gui/pages/training_page.py" line="420"/>
        <source>Pretraining</source>
        <translation>预训练</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="421"/>
        <source>Train on the pretraining dataset with the transferred plans, on all of its cases (fold &apos;all&apos;).</source>
        <translation>用迁移后的计划，在预训练数据集的全部病例上训练（折 &apos;all&apos;）。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="423"/>
        <source>Fine-tuning</source>
        <translation>微调</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="424"/>
        <location filename="../../gui/pages/training_page.py" line="604"/>
        <source>Train on your dataset, starting from the pretrained weights (all layers but the segmentation head).</source>
        <translation>从预训练权重（除分割头外的所有层）开始，在你的数据集上训练。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="457"/>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="463"/>
        <location filename="../../gui/pages/training_page.py" line="793"/>
        <source>Check weights</source>
        <translation>检查权重</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="466"/>
        <source>Build the fine-tuning network and compare every layer with the checkpoint, without running any code stored in it.</source>
        <translation>构建微调网络并与检查点逐层比较，不运行其中保存的任何代码。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="470"/>
        <location filename="../../gui/pages/training_page.py" line="841"/>
        <source>Pretrained weights</source>
        <translation>预训练权重</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="480"/>
        <source>Fold</source>
        <translation>折</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="494"/>
        <location filename="../../gui/pages/training_page.py" line="869"/>
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="497"/>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="707"/>
        <source>The run outside the wizard has stopped or finished.</source>
        <translation>向导之外的运行已停止或完成。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="426"/>
        <source>pretraining</source>
        <translation>预训练</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="818"/>
        <source>{0} does not exist yet: finish the pretraining first.</source>
        <translation>{0} 尚不存在：请先完成预训练。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="784"/>
        <source>Checking…</source>
        <translation>正在检查…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="427"/>
        <source>Baseline: from scratch</source>
        <translation>基线：从头训练</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="428"/>
        <source>Train your dataset again without the pretrained weights (same fold, configuration, plans and epochs), to see whether the pretraining helped.</source>
        <translation>不使用预训练权重再次训练你的数据集（相同的折、配置、计划和轮数），以判断预训练是否有帮助。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="431"/>
        <source>fine-tuned</source>
        <translation>微调</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="504"/>
        <source>Epochs are counted from 1 here (and in nnft run, nnft monitor and the plots); nnU-Net&apos;s log counts from 0: its &quot;Epoch 0&quot; is epoch 1 here.</source>
        <translation>这里的轮次从 1 开始计数（nnft run、nnft monitor 和曲线图中也是）；nnU-Net 的日志从 0 开始计数：日志中的 &quot;Epoch 0&quot; 就是这里的第 1 轮。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="597"/>
        <source>Train on your dataset, starting from the weights of the model {0} (all layers but the segmentation head).</source>
        <translation>从模型 {0} 的权重（除分割头外的所有层）开始，在你的数据集上训练。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="600"/>
        <source>nnFT&apos;s copy of the model&apos;s checkpoint (fold {0}), made by the preparation. To start from another model or fold, choose it on the datasets page.</source>
        <translation>nnFT 在准备步骤中复制的模型检查点（折 {0}）。要从另一个模型或折开始，请在数据集页面选择。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="623"/>
        <source>A training of this fold that nnFT started is running outside this window (process {0}). Following it: the curves update every few seconds.</source>
        <translation>一个由 nnFT 启动的该折训练正在此窗口之外运行（进程 {0}）。正在跟踪它：曲线每隔几秒更新一次。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="627"/>
        <source>An nnUNetv2_train of this fold, started outside nnFT, is running (process {0}). Following it: the curves update every few seconds.</source>
        <translation>一个在 nnFT 之外启动的该折 nnUNetv2_train 正在运行（进程 {0}）。正在跟踪它：曲线每隔几秒更新一次。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="631"/>
        <source>nnFT started a training of this fold on {0}, and its log was written {1} s ago: it probably still runs there (this machine cannot check). Following its log.</source>
        <translation>nnFT 在 {0} 上启动了该折的训练，其日志在 {1} 秒前写入：它很可能仍在那里运行（本机无法检查）。正在跟踪其日志。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="643"/>
        <source>— output of the running training (process {0}), from {1} —</source>
        <translation>— 正在运行的训练的输出（进程 {0}），自 {1} 起 —</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="752"/>
        <source>The weights check was dropped: its inputs changed.</source>
        <translation>权重检查已放弃：它的输入已改变。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="787"/>
        <source>Checking the weights against the fine-tuning network …</source>
        <translation>正在对照微调网络检查权重 …</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="808"/>
        <source>✗ File not found: {0}. Check the path, or choose the checkpoint with Browse…</source>
        <translation>✗ 文件不存在：{0}。请检查路径，或用“浏览…”选择检查点</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="813"/>
        <source>{0} does not exist yet: run the preparation steps (plans page) first; they import the model.</source>
        <translation>{0} 尚不存在：请先运行准备步骤（计划页面）；它们会导入模型。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="822"/>
        <source>✓ The weights fit: {0} layers are loaded, {1} of the segmentation head are trained anew.</source>
        <translation>✓ 权重匹配：加载 {0} 层，分割头的 {1} 层重新训练。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="826"/>
        <source>✗ These weights do not fit the fine-tuning network (details below).</source>
        <translation>✗ 这些权重与微调网络不匹配（详见下方）。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="834"/>
        <source>✗ The weights could not be checked: {0}</source>
        <translation>✗ 无法检查权重：{0}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="843"/>
        <source>nnU-Net checkpoints (*.pth)</source>
        <translation>nnU-Net 检查点 (*.pth)</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="863"/>
        <source>Finish validation</source>
        <translation>完成验证</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="865"/>
        <source>Run only nnU-Net&apos;s final validation of the finished training (nnUNetv2_train … --val): it writes validation/summary.json with the real Dice. The training is not repeated.</source>
        <translation>只运行已完成训练的 nnU-Net 最终验证（nnUNetv2_train … --val）：它会写出含真实 Dice 的 validation/summary.json。训练不会重复。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="869"/>
        <source>Resume</source>
        <translation>继续训练</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="906"/>
        <location filename="../../gui/pages/training_page.py" line="1143"/>
        <source>about {0} left</source>
        <translation>约剩 {0}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="908"/>
        <source>EMA pseudo dice {0:.3f}</source>
        <translation>EMA 伪 Dice {0:.3f}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="911"/>
        <source>No epoch yet</source>
        <translation>尚无完成的轮</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="913"/>
        <source>Finished: {0}</source>
        <translation>已完成：{0}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="957"/>
        <source>Checking that the pretrained weights fit the fine-tuning network …</source>
        <translation>正在检查预训练权重是否匹配微调网络 …</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="969"/>
        <source>The model&apos;s checkpoint {0} is not imported yet: run the preparation steps (plans page) first.</source>
        <translation>模型的检查点 {0} 尚未导入：请先运行准备步骤（计划页面）。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="995"/>
        <source>Not started: the pretrained weights do not fit (see the problems below).</source>
        <translation>未开始：预训练权重不匹配（见下方的问题）。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="1003"/>
        <source>Not started: the pretrained weights could not be checked ({0}).</source>
        <translation>未开始：无法检查预训练权重（{0}）。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="971"/>
        <source>The pretrained weights {0} do not exist yet: finish the pretraining first.</source>
        <translation>预训练权重 {0} 尚不存在：请先完成预训练。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="1022"/>
        <source>Starting nnU-Net …</source>
        <translation>正在启动 nnU-Net …</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="1090"/>
        <source>Stop training</source>
        <translation>停止训练</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="1088"/>
        <source>{0} cannot stop gracefully: stopping now loses the epochs since its last checkpoint (nnU-Net writes one every 50 epochs). Stop anyway?</source>
        <translation>{0} 无法平稳停止：现在停止将丢失自上一个检查点以来的所有轮（nnU-Net 每 50 轮写入一个检查点）。仍要停止吗？</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="562"/>
        <source>The baseline is nnU-Net&apos;s default training of your dataset from scratch (learning rate 1e-2, whatever the fine-tuning preset), with the fine-tuning&apos;s epochs, iterations, fold ({0}), configuration and plans. Change them on the fine-tuning page.</source>
        <translation>基线是 nnU-Net 对你的数据集的默认从头训练（学习率 1e-2，与微调预设无关），使用与微调相同的轮数、迭代次数、折（{0}）、配置和计划。请在微调页面修改它们。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="891"/>
        <source>The training is finished (checkpoint_final.pth is written). nnU-Net&apos;s final validation now predicts every validation case with the trained model and writes the real Dice to validation/summary.json. Stop ends the validation: the trained model is kept, and &quot;Finish validation&quot; runs it later.</source>
        <translation>训练已完成（已写入 checkpoint_final.pth）。nnU-Net 的最终验证现在用训练好的模型预测每个验证病例，并把真实 Dice 写入 validation/summary.json。“停止”会结束验证：训练好的模型会保留，之后可用“完成验证”运行验证。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="899"/>
        <source>Epoch {0} of {1} done</source>
        <translation>第 {0} 轮（共 {1} 轮）已完成</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="902"/>
        <source>training finished</source>
        <translation>训练已完成</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="904"/>
        <source>training finished, final validation starting …</source>
        <translation>训练已完成，正在开始最终验证 …</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="917"/>
        <source>Trained ({0}), but nnU-Net&apos;s final validation did not finish (stopped or killed during it). &quot;Finish validation&quot; runs only the validation (nnUNetv2_train … --val).</source>
        <translation>已训练（{0}），但 nnU-Net 的最终验证没有完成（在验证期间被停止或终止）。“完成验证”只运行验证（nnUNetv2_train … --val）。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="923"/>
        <source>Stopped after epoch {0} of {1} (checkpoint written). Resume continues with epoch {2}.</source>
        <translation>在第 {0} 轮（共 {1} 轮）后停止（已写入检查点）。“继续训练”将从第 {2} 轮继续。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="991"/>
        <source>Not started: there are no pretrained weights at {0}.</source>
        <translation>未开始：{0} 处没有预训练权重。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="1048"/>
        <source>Stopping the run outside the wizard after this epoch (a checkpoint is written) …</source>
        <translation>本轮结束后停止向导之外的运行（会写入检查点）…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="1072"/>
        <source>Stopping the final validation now. The trained model is kept (checkpoint_final.pth); &quot;Finish validation&quot; runs the validation later.</source>
        <translation>正在立即停止最终验证。训练好的模型会保留（checkpoint_final.pth）；之后可用“完成验证”运行验证。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="1076"/>
        <source>Stopping after this epoch (a checkpoint is written) … If this is the last epoch, the final validation is left for &quot;Finish validation&quot;.</source>
        <translation>本轮结束后停止（会写入检查点）… 如果这是最后一轮，最终验证留给“完成验证”。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="1082"/>
        <source>nnU-Net is running its final validation; the training itself is finished (checkpoint_final.pth). Stopping now ends the validation: the trained model is kept, and &quot;Finish validation&quot; runs the validation later. Stop the validation?</source>
        <translation>nnU-Net 正在运行最终验证；训练本身已完成（checkpoint_final.pth）。现在停止会结束验证：训练好的模型会保留，之后可用“完成验证”运行验证。停止验证吗？</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="1100"/>
        <source>Running. Log: {0}</source>
        <translation>正在运行。日志：{0}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="1138"/>
        <source>Final validation: {0} / {1} cases</source>
        <translation>最终验证：{0} / {1} 个病例</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="1141"/>
        <source>Final validation: {0} cases</source>
        <translation>最终验证：{0} 个病例</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="1151"/>
        <source>Failed: {0}. Last lines:
{1}
Full log: {2}</source>
        <translation>失败：{0}。最后几行：
{1}
完整日志：{2}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="1154"/>
        <source>Cancelled. Start again to resume from the last checkpoint, if any.</source>
        <translation>已取消。再次点“开始”即可从最后一个检查点（如有）继续。</translation>
    </message>
</context>
<context>
    <name>TrainingPlots</name>
    <message>
        <location filename="../../gui/widgets/training_plots.py" line="142"/>
        <location filename="../../gui/widgets/training_plots.py" line="154"/>
        <source>Loss</source>
        <extracomment>Above this many epochs the pseudo-dice points are drawn as a line only, and curves without antialiasing: on a 1,000-epoch run, symbols and antialiased 2–3 px lines made each repaint of the four plots cost ~100 ms of the GUI thread (offscreen raster; measured in make bench&apos;s gui_stall_follow), without them ~25 ms. At that density the steps are below a pixel anyway. Thin per-class pseudo-dice lines, light so that the mean and its EMA stay in front. Classes beyond this many are drawn but share one legend entry (a legend of 100 regions would be taller than the plot).</extracomment>
        <translation>损失</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/training_plots.py" line="143"/>
        <location filename="../../gui/widgets/training_plots.py" line="155"/>
        <source>Pseudo dice</source>
        <translation>伪 Dice</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/training_plots.py" line="156"/>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/training_plots.py" line="157"/>
        <source>Epoch time (s)</source>
        <translation>每轮耗时（秒）</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/training_plots.py" line="163"/>
        <source>epoch (from 1)</source>
        <translation>轮（从 1 开始）</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/training_plots.py" line="180"/>
        <source>mean</source>
        <translation>平均</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/training_plots.py" line="174"/>
        <source>train</source>
        <translation>训练</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/training_plots.py" line="175"/>
        <source>validation</source>
        <translation>验证</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/training_plots.py" line="181"/>
        <source>EMA</source>
        <translation>EMA</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/training_plots.py" line="220"/>
        <source>class {0}</source>
        <translation>类别 {0}</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/training_plots.py" line="227"/>
        <source>more classes</source>
        <translation>更多类别</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/training_plots.py" line="298"/>
        <location filename="../../gui/widgets/training_plots.py" line="299"/>
        <location filename="../../gui/widgets/training_plots.py" line="310"/>
        <source>{0}: train</source>
        <translation>{0}：训练</translation>
    </message>
    <message>
        <location filename="../../gui/widgets/training_plots.py" line="300"/>
        <location filename="../../gui/widgets/training_plots.py" line="301"/>
        <location filename="../../gui/widgets/training_plots.py" line="311"/>
        <source>{0}: EMA</source>
        <translation>{0}：EMA</translation>
    </message>
</context>
<context>
    <name>TrainingSettings</name>
    <message>
        <location filename="../../gui/pages/training_page.py" line="322"/>
        <source>Quick trial (nnFT, short run)</source>
        <extracomment>Background task keys: one weights check at a time; the latest read of the logs wins. Start&apos;s weights check runs after Start&apos;s file lookups (WEIGHTS_TASK) have answered. Reading the output a followed run (started by nnFT outside this window) wrote to its log. A weights check that takes longer than this (seconds) is given up. The training phases, keyed by page and step key.</extracomment>
        <translation>快速试运行（nnFT，短时运行）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="323"/>
        <source>nnUNetTrainer (nnU-Net default, 1000 epochs)</source>
        <translation>nnUNetTrainer（nnU-Net 默认，1000 轮）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="325"/>
        <source>nnFTTrainer (nnU-Net default + safe stop)</source>
        <translation>nnFTTrainer（nnU-Net 默认 + 安全停止）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="333"/>
        <source>final validation</source>
        <translation>最终验证</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="336"/>
        <source>After the last epoch nnU-Net predicts every validation case with the trained model (the pretraining&apos;s fold &apos;all&apos;: every pretraining case) and writes the real Dice to validation/summary.json. The quick trial predicts each case once (no mirroring); on the demo on a shared 2-core CPU that took 1.7 of the pretraining&apos;s 3.8 minutes (12 cases) and 15 s of the fine-tuning&apos;s 46 s (2 cases). Off: the run ends after the last epoch, without real Dice.</source>
        <translation>最后一轮结束后，nnU-Net 用训练好的模型预测每个验证病例（预训练为折 &apos;all&apos;：即每个预训练病例），并把真实 Dice 写入 validation/summary.json。快速试运行对每个病例只预测一次（不做镜像）；在共享的 2 核 CPU 上运行演示时，它占用了预训练 3.8 分钟中的 1.7 分钟（12 个病例），以及微调 46 秒中的 15 秒（2 个病例）。关闭：运行在最后一轮后结束，没有真实 Dice。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="346"/>
        <source>Final validation: real Dice in validation/summary.json, one prediction per validation case (demo, 2-core CPU: 1.7 of the pretraining&apos;s 3.8 minutes).</source>
        <translation>最终验证：validation/summary.json 中的真实 Dice，每个验证病例预测一次（演示，2 核 CPU：占预训练 3.8 分钟中的 1.7 分钟）。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="353"/>
        <source>epochs</source>
        <translation>轮</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="355"/>
        <source>iterations per epoch</source>
        <translation>每轮迭代次数</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="359"/>
        <source>Trainer</source>
        <translation>训练器</translation>
    </message>
    <message>
        <location filename="../../gui/pages/training_page.py" line="365"/>
        <source>Quick trial</source>
        <translation>快速试运行</translation>
    </message>
</context>
<context>
    <name>UseModelPage</name>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="189"/>
        <source>Use the model</source>
        <extracomment>Background task keys: the latest check wins; one volume count at a time (the newest).</extracomment>
        <translation>使用模型</translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="191"/>
        <source>Segment new images with the fine-tuned model (nnU-Net&apos;s own predictor) and look at the result. With reference labels, nnU-Net&apos;s evaluation gives the Dice.</source>
        <translation>用微调后的模型（nnU-Net 自己的预测器）分割新图像并查看结果。提供参考标签时，nnU-Net 的评估会给出 Dice。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="205"/>
        <source>Model:</source>
        <translation>模型：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="206"/>
        <source>The training output folder (…/&lt;trainer&gt;__&lt;plans&gt;__&lt;config&gt;), one of its fold_X folders, or a zip made by nnft export-model / nnUNetv2_export_model_to_zip</source>
        <translation>训练输出文件夹（…/&lt;trainer&gt;__&lt;plans&gt;__&lt;config&gt;）、它的某个 fold_X 文件夹，或由 nnft export-model / nnUNetv2_export_model_to_zip 生成的 zip</translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="209"/>
        <location filename="../../gui/pages/use_model_page.py" line="215"/>
        <location filename="../../gui/pages/use_model_page.py" line="221"/>
        <location filename="../../gui/pages/use_model_page.py" line="225"/>
        <source>Folder…</source>
        <translation>文件夹…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="210"/>
        <source>Zip…</source>
        <translation>Zip…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="212"/>
        <source>Images:</source>
        <translation>图像：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="213"/>
        <source>A folder of images (CASE_0000&lt;ending&gt;, or plain names for a single-channel model) or one image file</source>
        <translation>一个图像文件夹（CASE_0000&lt;ending&gt;；单通道模型也可用普通文件名）或一个图像文件</translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="216"/>
        <source>File…</source>
        <translation>文件…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="218"/>
        <source>Reference labels:</source>
        <translation>参考标签：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="219"/>
        <source>Optional: a folder with a label file CASE&lt;ending&gt; per case, for the Dice. Leave empty to predict without a Dice.</source>
        <translation>可选：一个文件夹，每个病例一个标签文件 CASE&lt;ending&gt;，用于计算 Dice。留空则只预测、不计算 Dice。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="223"/>
        <source>Output folder:</source>
        <translation>输出文件夹：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="224"/>
        <source>Where the predictions are written (created when missing)</source>
        <translation>预测结果写入的位置（不存在时会创建）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="229"/>
        <source>Replace predictions already there (backup kept)</source>
        <translation>替换已有的预测（保留备份）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="233"/>
        <source>Predictions of these cases already in the output folder are moved to a backup folder next to it (OUTPUT.nnft-backup-&lt;time&gt;) before the run. Unticked, such a folder is refused.</source>
        <translation>输出文件夹中已有的这些病例的预测，会在运行前移到旁边的备份文件夹（OUTPUT.nnft-backup-&lt;time&gt;）。不勾选时，这样的文件夹会被拒绝。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="238"/>
        <source>Faster: no mirroring (test-time augmentation)</source>
        <translation>更快：不做镜像（测试时增强）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="242"/>
        <source>nnU-Net&apos;s --disable_tta: each case is predicted once instead of once per mirroring (4× faster in 2d, 8× in 3d), a little less accurate.</source>
        <translation>nnU-Net 的 --disable_tta：每个病例只预测一次，而不是每种镜像各一次（2d 快 4 倍，3d 快 8 倍），精度略低。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="250"/>
        <source>Check</source>
        <translation>检查</translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="252"/>
        <source>Check the model, the images and the output folder without predicting</source>
        <translation>检查模型、图像和输出文件夹，不进行预测</translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="256"/>
        <source>Predict</source>
        <translation>预测</translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="260"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="283"/>
        <source>Predicted cases</source>
        <translation>已预测的病例</translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="305"/>
        <source>Prediction</source>
        <translation>预测结果</translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="306"/>
        <source>Predict, then choose a case to look at.</source>
        <translation>先预测，然后选择一个病例查看。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="334"/>
        <source>Device: {0}</source>
        <translation>设备：{0}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="337"/>
        <source>Choose a workspace and two datasets first.</source>
        <translation>请先选择工作区和两个数据集。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="363"/>
        <source>Choose the model folder (…/&lt;trainer&gt;__&lt;plans&gt;__&lt;config&gt;) or one of its fold folders</source>
        <translation>选择模型文件夹（…/&lt;trainer&gt;__&lt;plans&gt;__&lt;config&gt;）或它的某个折文件夹</translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="368"/>
        <source>Choose an exported model zip</source>
        <translation>选择导出的模型 zip</translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="370"/>
        <source>Zip files (*.zip)</source>
        <translation>Zip 文件 (*.zip)</translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="374"/>
        <source>Choose the folder of images</source>
        <translation>选择图像文件夹</translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="379"/>
        <source>Choose one image</source>
        <translation>选择一个图像</translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="384"/>
        <source>Choose the reference labels</source>
        <translation>选择参考标签</translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="390"/>
        <source>Choose the output folder</source>
        <translation>选择输出文件夹</translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="408"/>
        <source>model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="408"/>
        <source>images</source>
        <translation>图像</translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="409"/>
        <source>output folder</source>
        <translation>输出文件夹</translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="420"/>
        <source>Give the {0} first.</source>
        <translation>请先指定{0}。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="423"/>
        <source>Checking the model and the images …</source>
        <translation>正在检查模型和图像 …</translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="435"/>
        <source>Choose another output folder, or tick &quot;Replace predictions already there (backup kept)&quot;: the old files are then moved to a backup folder next to it ({0}.nnft-backup-&lt;time&gt;) first.</source>
        <translation>请选择另一个输出文件夹，或勾选“替换已有的预测（保留备份）”：旧文件会先被移到旁边的备份文件夹（{0}.nnft-backup-&lt;time&gt;）。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="448"/>
        <source>✗ Not ready: see the problems above.</source>
        <translation>✗ 尚未就绪：请查看上方的问题。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="452"/>
        <source>✓ Ready: {0} case(s), model fold(s) {1}, on {2}.</source>
        <translation>✓ 就绪：{0} 个病例，模型的折 {1}，在 {2} 上。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="461"/>
        <source>✗ The check failed: {0}</source>
        <translation>✗ 检查失败：{0}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="479"/>
        <source>Predicting …</source>
        <translation>正在预测 …</translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="482"/>
        <source>Predicting {0} case(s) with {1}, fold(s) {2}, on {3}; the log: {4}</source>
        <translation>正在用 {1}（折 {2}）在 {3} 上预测 {0} 个病例；日志：{4}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="491"/>
        <source>Predicting … (nnU-Net&apos;s output below)</source>
        <translation>正在预测 …（nnU-Net 的输出见下方）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="497"/>
        <source>Cancelling …</source>
        <translation>正在取消 …</translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="515"/>
        <source>Nothing to look at: the prediction did not finish.</source>
        <translation>没有可查看的内容：预测没有完成。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="517"/>
        <source>✗ The prediction failed unexpectedly:
{0}</source>
        <translation>✗ 预测意外失败：
{0}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="522"/>
        <source>Cancelled. Predictions already written stay in {0}.</source>
        <translation>已取消。已写出的预测保留在 {0}。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="526"/>
        <source>exit status {0}</source>
        <translation>退出状态 {0}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="529"/>
        <source>✗ The prediction failed: {0}. nnU-Net&apos;s output is above and in {1}.</source>
        <translation>✗ 预测失败：{0}。nnU-Net 的输出在上方以及 {1} 中。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="532"/>
        <source> Earlier predictions were moved to {0}.</source>
        <translation>之前的预测已移到 {0}。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="534"/>
        <source>✓ {0} prediction(s) in {1}.</source>
        <translation>✓ {1} 中有 {0} 个预测。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="551"/>
        <source>No reference labels given: no Dice.</source>
        <translation>未提供参考标签：没有 Dice。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="553"/>
        <source>mean</source>
        <translation>平均</translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="558"/>
        <source>Dice vs the reference labels (nnU-Net&apos;s evaluation, mean over the cases)</source>
        <translation>与参考标签比较的 Dice（nnU-Net 的评估，所有病例的平均值）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="571"/>
        <source>Counting the label volumes …</source>
        <translation>正在统计标签体积 …</translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="582"/>
        <source>Volumes in {0} (voxels × voxel volume)</source>
        <translation>{0} 的各标签体积（体素数 × 体素体积）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/use_model_page.py" line="586"/>
        <source>The volumes could not be counted: {0}</source>
        <translation>无法统计体积：{0}</translation>
    </message>
</context>
<context>
    <name>ValidationPage</name>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="91"/>
        <source>Validate transferred plans</source>
        <extracomment>Background task key: comparing the model with the fine-tuning dataset (latest wins). The dataset&apos;s fingerprint was there (else spacing and intensities are not compared).</extracomment>
        <translation>验证迁移后的计划</translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="176"/>
        <source>Pretraining uses the fine-tuning dataset&apos;s plans. Check that the architecture is identical (so the pretrained weights load) and what one training patch covers.</source>
        <translation>预训练使用微调数据集的计划。检查架构是否相同（这样预训练权重才能加载），以及一个训练图像块覆盖的范围。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="103"/>
        <source>Reload</source>
        <translation>重新加载</translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="105"/>
        <source>Read the plans files and images again</source>
        <translation>重新读取计划文件和图像</translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="173"/>
        <source>Your dataset is prepared with the model&apos;s plans. Check that the architecture is the model&apos;s (so its weights load), how the model&apos;s plans fit your data, and what one training patch covers.</source>
        <translation>你的数据集按模型的计划进行准备。检查架构是否与模型相同（这样它的权重才能加载）、模型的计划与你的数据是否匹配，以及一个训练图像块覆盖的范围。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="184"/>
        <source>identical</source>
        <translation>相同</translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="185"/>
        <source>differs (see Meaning)</source>
        <translation>不同（见“含义”）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="186"/>
        <source>weights will not load</source>
        <translation>权重将无法加载</translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="188"/>
        <source>changed by the transfer</source>
        <translation>被迁移改变</translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="190"/>
        <source>Yellow dashed box: one training patch, to scale.</source>
        <translation>黄色虚线框：一个训练图像块，按比例绘制。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="237"/>
        <source>The plans cannot be checked yet: {problem} {fix}</source>
        <translation>暂时无法检查计划：{problem} {fix}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="240"/>
        <source>Choose a workspace and both datasets first; then the transferred plans can be checked here.</source>
        <translation>请先选择工作区和两个数据集；之后即可在此检查迁移后的计划。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="243"/>
        <source>No dataset to show.</source>
        <translation>没有可显示的数据集。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="304"/>
        <source>Comparing the model with your data …</source>
        <translation>正在比较模型与你的数据 …</translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="313"/>
        <source>Does the model fit your data?</source>
        <translation>模型适合你的数据吗？</translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="314"/>
        <source>The model&apos;s plans against {dataset}&apos;s own dataset.json and fingerprint.</source>
        <translation>模型的计划与 {dataset} 自己的 dataset.json 和指纹对比。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="319"/>
        <source>Spacing and intensities are compared once your dataset&apos;s fingerprint is extracted (step {0} on the previous page).</source>
        <translation>提取你的数据集的指纹后（上一页的步骤 {0}），才会比较间距和强度。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="330"/>
        <source>Run the plans transfer first (step {0} on the previous page); until then only the model&apos;s plans are shown.</source>
        <translation>请先运行计划迁移（上一页的步骤 {0}）；在此之前只显示模型的计划。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="335"/>
        <source>The configuration {c} is missing from the model&apos;s or the transferred plans: the model&apos;s weights cannot be matched.</source>
        <translation>模型的计划或迁移后的计划缺少配置 {c}：无法匹配模型的权重。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="340"/>
        <source>Your dataset&apos;s plans have the model&apos;s architecture: the model&apos;s weights will load.</source>
        <translation>你的数据集的计划具有模型的架构：模型的权重可以加载。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="345"/>
        <source>The architecture differs from the model&apos;s in: {names}. The model&apos;s weights will NOT load into the fine-tuning network.</source>
        <translation>架构在以下方面与模型不同：{names}。模型的权重将无法加载到微调网络中。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="348"/>
        <source>Transfer the model&apos;s plans again (step {0}) and preprocess with them.</source>
        <translation>请重新迁移模型的计划（步骤 {0}），并用它们进行预处理。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="355"/>
        <source>Configuration &lt;b&gt;{c}&lt;/b&gt;: comparing {files}</source>
        <translation>配置 &lt;b&gt;{c}&lt;/b&gt;：比较 {files}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="356"/>
        <source> with </source>
        <translation> 与 </translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="365"/>
        <source>Plan the fine-tuning dataset first (step {0} on the previous page).</source>
        <translation>请先规划微调数据集（上一页的步骤 {0}）。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="371"/>
        <source>Run the plans transfer first (step {0} on the previous page); until then only the fine-tuning plans are shown.</source>
        <translation>请先运行计划迁移（上一页的步骤 {0}）；在此之前只显示微调计划。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="387"/>
        <source>Transfer the plans again (step {0}) and re-run preprocessing and pretraining with them.</source>
        <translation>请重新迁移计划（步骤 {0}），并用它重新运行预处理和预训练。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="376"/>
        <source>The configuration {c} is missing from one of the plans files: the pretrained weights cannot be matched.</source>
        <translation>其中一个计划文件缺少配置 {c}：无法匹配预训练权重。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="380"/>
        <source>The architecture of both plans is identical: the pretrained weights will load.</source>
        <translation>两个计划的架构相同：预训练权重可以加载。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="385"/>
        <source>The architecture differs in: {names}. The pretrained weights will NOT load into the fine-tuning network.</source>
        <translation>架构在以下方面不同：{names}。预训练权重将无法加载到微调网络中。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="392"/>
        <source>{file} does not exist yet.</source>
        <translation>{file} 尚不存在。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="394"/>
        <source>{file} could not be read: {error}</source>
        <translation>无法读取 {file}：{error}</translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="411"/>
        <source>{names} of the transferred plans do not match your dataset or the chosen identifier: the trainer would use the wrong folders.</source>
        <translation>迁移后计划的 {names} 与你的数据集或所选标识符不符：训练器会使用错误的文件夹。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="416"/>
        <source>Not architectural, but not what the transfer writes either: {names}. The weights will load, yet the fine-tuning sees data prepared otherwise than the model&apos;s.</source>
        <translation>不涉及架构，但也不是迁移应写入的内容：{names}。权重可以加载，但微调看到的数据准备方式与模型的不同。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="423"/>
        <source>{names} of the transferred plans do not match the pretraining dataset or the chosen identifier: the trainer would use the wrong folders.</source>
        <translation>迁移后计划的 {names} 与预训练数据集或所选标识符不符：训练器会使用错误的文件夹。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="428"/>
        <source>Not architectural, but not what the transfer writes either: {names}. The weights will load, yet pretraining sees differently prepared data.</source>
        <translation>不涉及架构，但也不是迁移应写入的内容：{names}。权重可以加载，但预训练看到的数据准备方式不同。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="441"/>
        <source>(Patch from the fine-tuning plans: the transfer has not run yet.)</source>
        <translation>（图像块来自微调计划：迁移尚未运行。）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="447"/>
        <source>(Patch from the model&apos;s plans: the transfer has not run yet.)</source>
        <translation>（图像块来自模型的计划：迁移尚未运行。）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="450"/>
        <source>Pretraining</source>
        <translation>预训练</translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="446"/>
        <location filename="../../gui/pages/validation_page.py" line="451"/>
        <source>Fine-tuning</source>
        <translation>微调</translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="455"/>
        <source>{name} has no training cases to show.</source>
        <translation>{name} 没有可显示的训练病例。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/validation_page.py" line="459"/>
        <source>&lt;b&gt;{role}&lt;/b&gt;: {name}, case {case}</source>
        <translation>&lt;b&gt;{role}&lt;/b&gt;：{name}，病例 {case}</translation>
    </message>
</context>
<context>
    <name>WorkspacePage</name>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="53"/>
        <source>Workspace</source>
        <translation>工作区</translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="54"/>
        <source>Where nnU-Net keeps raw data, preprocessed data and results, and where training runs.</source>
        <translation>nnU-Net 存放原始数据、预处理数据和结果的位置，以及训练在哪里运行。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="59"/>
        <source>Raw data (nnUNet_raw)</source>
        <translation>原始数据（nnUNet_raw）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="61"/>
        <source>Preprocessed (nnUNet_preprocessed)</source>
        <translation>预处理数据（nnUNet_preprocessed）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="62"/>
        <source>Results (nnUNet_results)</source>
        <translation>结果（nnUNet_results）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="65"/>
        <source>Folder for {0}</source>
        <translation>{0} 的文件夹</translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="67"/>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="78"/>
        <source>Use one folder for all three…</source>
        <translation>三者共用一个文件夹…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="80"/>
        <source>Choose a folder; nnFT uses its nnUNet_raw, nnUNet_preprocessed and nnUNet_results subfolders.</source>
        <translation>选择一个文件夹；nnFT 使用其中的 nnUNet_raw、nnUNet_preprocessed 和 nnUNet_results 子文件夹。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="83"/>
        <location filename="../../gui/pages/workspace_page.py" line="290"/>
        <source>Create demo workspace</source>
        <translation>创建演示工作区</translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="85"/>
        <source>Two small synthetic CT datasets: the whole chain runs on a CPU in a few minutes.</source>
        <translation>两个小型合成 CT 数据集：整个流程在 CPU 上几分钟即可跑完。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="103"/>
        <source>Training device</source>
        <translation>训练设备</translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="104"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="116"/>
        <source>Tip: nnFT never writes into nnUNet_raw. Its own files (session, logs, backups) go to nnUNet_results/nnFT.</source>
        <translation>提示：nnFT 从不写入 nnUNet_raw。它自己的文件（会话、日志、备份）存放在 nnUNet_results/nnFT。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="127"/>
        <source>Plan and preprocess your &lt;b&gt;fine-tuning&lt;/b&gt; dataset: its plans design the network.</source>
        <translation>规划并预处理你的&lt;b&gt;微调&lt;/b&gt;数据集：由它的计划设计网络。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="129"/>
        <source>Extract the &lt;b&gt;pretraining&lt;/b&gt; dataset&apos;s fingerprint.</source>
        <translation>提取&lt;b&gt;预训练&lt;/b&gt;数据集的指纹。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="131"/>
        <source>Move the plans &lt;b&gt;from fine-tuning to pretraining&lt;/b&gt; under a new name (nnU-Net: &lt;code&gt;-s FINETUNE -t PRETRAIN&lt;/code&gt;).</source>
        <translation>把计划&lt;b&gt;从微调迁移到预训练&lt;/b&gt;，使用新名称（nnU-Net：&lt;code&gt;-s FINETUNE -t PRETRAIN&lt;/code&gt;）。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="134"/>
        <source>Copy the pretraining dataset&apos;s dataset.json (the step nnU-Net&apos;s guide misses).</source>
        <translation>复制预训练数据集的 dataset.json（nnU-Net 指南遗漏的一步）。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="136"/>
        <source>Preprocess the pretraining dataset with the moved plans.</source>
        <translation>用迁移后的计划预处理预训练数据集。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="138"/>
        <source>Pretrain on all of it (fold &apos;all&apos;).</source>
        <translation>在全部预训练数据上预训练（折 &apos;all&apos;）。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="139"/>
        <source>Fine-tune on your dataset &lt;b&gt;from the pretrained weights&lt;/b&gt;.</source>
        <translation>&lt;b&gt;从预训练权重开始&lt;/b&gt;，在你的数据集上微调。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="141"/>
        <source>Optionally, train your dataset &lt;b&gt;from scratch&lt;/b&gt; too, to see whether the pretraining helped.</source>
        <translation>可选：再&lt;b&gt;从头&lt;/b&gt;训练一次你的数据集，以判断预训练是否有帮助。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="144"/>
        <source>Import the model: nnFT copies its plans and the checkpoint the fine-tuning starts from.</source>
        <translation>导入模型：nnFT 复制它的计划，以及微调起步所用的检查点。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="146"/>
        <source>Extract your dataset&apos;s fingerprint (compared with the model&apos;s plans: a CT model on MRI data is warned about).</source>
        <translation>提取你的数据集的指纹（并与模型的计划比较：在 MRI 数据上使用 CT 模型会给出警告）。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="149"/>
        <source>Give your dataset the &lt;b&gt;model&apos;s plans&lt;/b&gt; under a new name.</source>
        <translation>以新名称把&lt;b&gt;模型的计划&lt;/b&gt;赋给你的数据集。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="151"/>
        <source>Preprocess your dataset with them.</source>
        <translation>用这些计划预处理你的数据集。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="161"/>
        <source>What nnFT will do</source>
        <translation>nnFT 将要做的事</translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="163"/>
        <source>Or, starting from a model someone else trained (no pretraining here):</source>
        <translation>或者，从别人训练好的模型开始（此处不做预训练）：</translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="166"/>
        <source>then fine-tune (and optionally the baseline) as above. </source>
        <translation>然后如上所述进行微调（以及可选的基线）。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="167"/>
        <source>Every step checks its inputs first, never overwrites existing plans or results, and can be stopped and continued.</source>
        <translation>每个步骤都会先检查输入，从不覆盖已有的计划或结果，并且可以停止和继续。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="198"/>
        <source>A new choice applies when the wizard starts next.</source>
        <translation>更改在向导下次启动时生效。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="201"/>
        <source>Saved: {0} from the next start of the wizard (close it and open it again).</source>
        <translation>已保存：向导下次启动时使用 {0}（关闭后重新打开向导）。</translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="221"/>
        <source>Looking for NVIDIA GPUs …</source>
        <translation>正在查找 NVIDIA GPU …</translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="224"/>
        <source>GPU {0}: {1} ({2:.0f} GB)</source>
        <translation>GPU {0}：{1}（{2:.0f} GB）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="227"/>
        <source>Apple GPU (MPS)</source>
        <translation>Apple GPU（MPS）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="228"/>
        <source>CPU (slow; fine for quick trials)</source>
        <translation>CPU（较慢；适合快速试运行）</translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="267"/>
        <source>Choose a folder</source>
        <translation>选择文件夹</translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="272"/>
        <source>Choose the workspace folder</source>
        <translation>选择工作区文件夹</translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="278"/>
        <source>Where should the demo workspace go?</source>
        <translation>演示工作区放在哪里？</translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="284"/>
        <source>Creating…</source>
        <translation>正在创建…</translation>
    </message>
    <message>
        <location filename="../../gui/pages/workspace_page.py" line="301"/>
        <source>Demo workspace</source>
        <translation>演示工作区</translation>
    </message>
</context>
<context>
    <name>nnFT</name>
    <message>
        <location filename="../../gui/app.py" line="71"/>
        <source>Unexpected error</source>
        <translation>意外错误</translation>
    </message>
    <message>
        <location filename="../../gui/app.py" line="72"/>
        <source>nnFT hit an unexpected error: {0}

Details were written to {1}.</source>
        <translation>nnFT 遇到意外错误：{0}

详细信息已写入 {1}。</translation>
    </message>
</context>
</TS>
